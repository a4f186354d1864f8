// The one persistence module of lib/analysis: every read and write of experiment definitions and
// snapshots goes through here (the run lifecycle's claim and final update live in run-analysis.ts).
import { prisma } from "@/lib/db";
import { InvalidExperimentError, storedExperimentProblems } from "./experiment-rules";
import type { ExperimentInput } from "./experiments";

const withParts = {
  variants: { orderBy: { position: "asc" as const } },
  metrics: { orderBy: { position: "asc" as const } },
};

export async function listExperiments() {
  return prisma.experiment.findMany({ include: withParts, orderBy: { startDate: "desc" } });
}

export async function getExperiment(id: string) {
  return prisma.experiment.findUnique({ where: { id }, include: withParts });
}

export type ExperimentWithParts = NonNullable<Awaited<ReturnType<typeof getExperiment>>>;

/** Creates or replaces an experiment definition (variants and metrics included) atomically. */
export async function saveExperiment(input: ExperimentInput): Promise<void> {
  const problems = storedExperimentProblems(input);
  if (problems.length > 0) throw new InvalidExperimentError(input.id, problems);
  const fields = {
    name: input.name,
    hypothesis: input.hypothesis,
    owner: input.owner,
    status: input.status,
    startDate: input.startDate,
    endDate: input.endDate,
    exposureSource: input.exposureSource ?? "exposures",
    exposureKey: input.exposureKey ?? null,
    controlVariant: input.controlVariant,
    windowDays: input.windowDays ?? null,
    segments: JSON.stringify(input.segments ?? []),
  };
  await prisma.$transaction([
    prisma.experiment.upsert({ where: { id: input.id }, create: { id: input.id, ...fields }, update: fields }),
    prisma.variant.deleteMany({ where: { experimentId: input.id } }),
    prisma.experimentMetric.deleteMany({ where: { experimentId: input.id } }),
    prisma.variant.createMany({
      data: input.variants.map((v, position) => ({ experimentId: input.id, ...v, position })),
    }),
    prisma.experimentMetric.createMany({
      data: input.metrics.map((m, position) => ({ experimentId: input.id, metricKey: m.key, role: m.role, position })),
    }),
  ]);
}

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
