import { prisma } from "@/lib/db";
import type { StatsAnswer } from "@/lib/stats";
import type { SufficientStats } from "./sufficient-stats";

export type SnapshotRow = NonNullable<Awaited<ReturnType<typeof prisma.snapshot.findFirst>>>;

export async function latestSucceeded(experimentId: string): Promise<SnapshotRow | null> {
  return prisma.snapshot.findFirst({
    where: { experimentId, status: "succeeded" },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
  });
}

export async function latestAny(experimentId: string): Promise<SnapshotRow | null> {
  return prisma.snapshot.findFirst({ where: { experimentId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] });
}

export async function snapshotHistory(experimentId: string, take = 20): Promise<SnapshotRow[]> {
  return prisma.snapshot.findMany({ where: { experimentId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take });
}

/** One snapshot of one experiment (null when the id is not that experiment's). */
export async function getSnapshot(experimentId: string, id: number): Promise<SnapshotRow | null> {
  return prisma.snapshot.findFirst({ where: { id, experimentId } });
}

export function parseSufficientStats(s: SnapshotRow): SufficientStats | null {
  return s.sufficientStats ? (JSON.parse(s.sufficientStats) as SufficientStats) : null;
}

export function parseResults(s: SnapshotRow): StatsAnswer | null {
  return s.results ? (JSON.parse(s.results) as StatsAnswer) : null;
}
