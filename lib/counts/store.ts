// Saving counts: the experiment (made when the counts create it; its variants and metrics follow
// the counts) and a snapshot holding the counts' sufficient statistics, analysed on every read
// like any other. The counts as given are kept in the snapshot's parameters, so the form can
// show them again.
import { prisma } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/actor";
import { actorName } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/log";
import { isUniqueViolation, nextSnapshotNumber } from "@/lib/analysis/runs";
import { getExperiment, saveExperiment } from "@/lib/analysis/store";
import type { ExperimentInput } from "@/lib/analysis/experiments";
import { countsToStats, type CountsError, type ParsedCounts } from "./counts";

export class CountsRefusedError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
    this.name = "CountsRefusedError";
  }
}

export type SaveCountsResult = { ok: true; snapshotId: number; created: boolean } | { ok: false; errors: CountsError[] };

/** The counts last saved for an experiment, as given (null when none). */
export async function latestCounts(experimentId: string): Promise<ParsedCounts | null> {
  const s = await prisma.snapshot.findFirst({ where: { experimentId, warehouse: "counts", status: "succeeded" }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] });
  if (!s) return null;
  try {
    return JSON.parse(s.parameters) as ParsedCounts;
  } catch {
    return null;
  }
}

/**
 * Inserts a counts snapshot with the experiment's next number (#1, #2, … like every analysis, so
 * /experiments/<id>/snapshots/<n> opens it); a number taken meanwhile by another save is retried.
 */
async function createNumbered(experimentId: string, data: (number: number) => Prisma.SnapshotUncheckedCreateInput) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.snapshot.create({ data: data(await nextSnapshotNumber(experimentId)) });
    } catch (err) {
      if (attempt >= 5 || !isUniqueViolation(err)) throw err;
    }
  }
}

/**
 * Stores the counts of `experimentId` as its newest analysis. A new id makes a counts experiment
 * (its name from the counts); an experiment analysed from the warehouse is refused (409).
 */
export async function saveCounts(experimentId: string, input: unknown, actor: Actor, today = new Date().toISOString().slice(0, 10)): Promise<SaveCountsResult> {
  const converted = countsToStats(input);
  if (!converted.ok) return converted;
  const { counts, stats } = converted;
  const existing = await getExperiment(experimentId);
  if (existing && existing.dataSource !== "counts") {
    throw new CountsRefusedError(`experiment "${experimentId}" is analysed from the warehouse; counts go into an experiment of their own`, 409);
  }
  if (!existing && !counts.name) return { ok: false, errors: [{ path: "name", message: "give the new experiment a name" }] };
  const definition: ExperimentInput = {
    id: experimentId,
    name: counts.name ?? existing!.name,
    hypothesis: counts.hypothesis ?? existing?.hypothesis ?? "",
    owner: existing?.owner ?? "",
    status: existing ? (existing.status as ExperimentInput["status"]) : "stopped",
    startDate: existing?.startDate ?? today,
    endDate: existing?.endDate ?? today,
    controlVariant: stats.control,
    variants: counts.variants.map((v) => ({ key: v.key, name: v.name || v.key, weight: v.weight ?? 1 })),
    metrics: counts.metrics.map((m) => ({ key: m.key, role: m.role })),
    dataSource: "counts",
    refreshHours: 0,
  };
  await saveExperiment(definition, today);
  const now = new Date();
  const snapshot = await createNumbered(experimentId, (number) => ({
    experimentId,
    number,
    status: "succeeded",
    warehouse: "counts",
    requestedBy: actorName(actor),
    parameters: JSON.stringify(counts),
    sufficientStats: JSON.stringify(stats),
    rowCount: 0,
    durationMs: 0,
    startedAt: now,
    runningAt: now,
    finishedAt: now,
  }));
  const users = Object.values(stats.slices[0]!.users).reduce((a, n) => a + n, 0);
  await recordAudit(actor, {
    action: existing ? "edited" : "created",
    targetType: "experiment",
    targetId: experimentId,
    experimentId,
    summary: `counts entered: ${counts.variants.length} variants, ${counts.metrics.length} metrics, ${users} users (snapshot #${snapshot.number})`,
  });
  return { ok: true, snapshotId: snapshot.id, created: !existing };
}
