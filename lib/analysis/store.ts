// The one persistence module of lib/analysis: every read and write of experiment definitions and
// snapshots goes through here (the run lifecycle's claim and final update live in run-analysis.ts).
import { prisma } from "@/lib/db";
import { InvalidExperimentError, storedExperimentProblems } from "./experiment-rules";
import type { ExperimentInput } from "./experiments";
import { phaseToRow, planPhaseChange, type PhaseChange } from "./phases";
import type { DecisionInput } from "./team-decisions";

const withParts = {
  variants: { orderBy: { position: "asc" as const } },
  metrics: { orderBy: { position: "asc" as const } },
  phases: { orderBy: { number: "asc" as const } },
};

/** Every experiment (archived ones too: the list filters), newest start first. */
export async function listExperiments() {
  return prisma.experiment.findMany({ include: withParts, orderBy: [{ startDate: "desc" }, { id: "asc" }] });
}

export async function getExperiment(id: string) {
  return prisma.experiment.findUnique({ where: { id }, include: withParts });
}

export type ExperimentWithParts = NonNullable<Awaited<ReturnType<typeof getExperiment>>>;

/**
 * Creates or replaces an experiment definition (variants, metrics and its assignment phases)
 * atomically. A change of assignment to an experiment that has served traffic starts a new phase
 * (phases.ts). `today` (YYYY-MM-DD, UTC) dates a new phase.
 */
export async function saveExperiment(input: ExperimentInput, today = new Date().toISOString().slice(0, 10)): Promise<PhaseChange> {
  const problems = storedExperimentProblems(input);
  if (problems.length > 0) throw new InvalidExperimentError(input.id, problems);
  const before = await getExperiment(input.id);
  const phase = planPhaseChange(before, input, today);
  const phaseRow = { experimentId: input.id, ...phaseToRow(phase.phase) };
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
    ...(input.refreshHours !== undefined ? { refreshHours: input.refreshHours } : {}),
    ...(input.dataSource !== undefined ? { dataSource: input.dataSource } : {}),
    ...(input.plannedMde !== undefined ? { plannedMde: input.plannedMde } : {}),
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
    ...(phase.kind === "new"
      ? [
          prisma.experimentPhase.update({
            where: { experimentId_number: { experimentId: input.id, number: phase.close.number } },
            data: { endDate: phase.close.endDate },
          }),
        ]
      : []),
    prisma.experimentPhase.upsert({
      where: { experimentId_number: { experimentId: input.id, number: phase.phase.number } },
      create: phaseRow,
      update: phaseRow,
    }),
  ]);
  return phase;
}

export type SnapshotRow = NonNullable<Awaited<ReturnType<typeof prisma.snapshot.findFirst>>>;

/**
 * Which runs covered a phase: the phase labels ("0", "1", …, "all") that mean the same dates. Runs
 * from before phases have none (they covered all of it); an experiment with one phase has the same
 * dates for "0" and "all". Absent: every run.
 */
export type PhaseLabels = string[] | undefined;

function phaseWhere(labels: PhaseLabels) {
  if (!labels) return {};
  return labels.includes("all") ? { OR: [{ phase: { in: labels } }, { phase: null }] } : { phase: { in: labels } };
}

export async function latestSucceeded(experimentId: string, phases?: PhaseLabels): Promise<SnapshotRow | null> {
  return prisma.snapshot.findFirst({
    where: { experimentId, status: "succeeded", ...phaseWhere(phases) },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
  });
}

export async function latestAny(experimentId: string, phases?: PhaseLabels): Promise<SnapshotRow | null> {
  return prisma.snapshot.findFirst({ where: { experimentId, ...phaseWhere(phases) }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] });
}

export async function snapshotHistory(experimentId: string, take = 20): Promise<SnapshotRow[]> {
  return prisma.snapshot.findMany({ where: { experimentId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take });
}

/** One snapshot of one experiment (null when the id is not that experiment's). */
export async function getSnapshot(experimentId: string, id: number): Promise<SnapshotRow | null> {
  return prisma.snapshot.findFirst({ where: { id, experimentId } });
}

/** A snapshot by its number within the experiment (#1, #2, …). */
export async function getSnapshotByNumber(experimentId: string, number: number): Promise<SnapshotRow | null> {
  return prisma.snapshot.findUnique({ where: { experimentId_number: { experimentId, number } } });
}

export async function countSnapshots(experimentId: string): Promise<number> {
  return prisma.snapshot.count({ where: { experimentId } });
}

/** Whether any analysis of the experiment succeeded, of any phase (failed, cancelled and active runs do not count). */
export async function hasSucceededSnapshot(experimentId: string): Promise<boolean> {
  return (await prisma.snapshot.findFirst({ where: { experimentId, status: "succeeded" }, select: { id: true } })) !== null;
}

/** Archives (or restores) an experiment: nothing is deleted; the list leaves archived ones out unless asked. */
export async function setArchived(id: string, archived: boolean): Promise<void> {
  await prisma.experiment.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
}

/** The experiment cannot be deleted while an analysis of it is queued or running. */
export class ExperimentBusyError extends Error {
  constructor(id: string) {
    super(`an analysis of "${id}" is running; delete the experiment once it has finished`);
    this.name = "ExperimentBusyError";
  }
}

/** Deletes an experiment with its variants, metrics, snapshots and decisions (one cascade); returns the snapshots removed. */
export async function deleteExperiment(id: string): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const active = await tx.snapshot.findUnique({ where: { activeExperimentId: id } });
    if (active) throw new ExperimentBusyError(id);
    const snapshots = await tx.snapshot.count({ where: { experimentId: id } });
    await tx.experiment.delete({ where: { id } });
    return snapshots;
  });
}

export { DECISIONS, type DecisionInput, type TeamDecision } from "./team-decisions";

export type DecisionRow = NonNullable<Awaited<ReturnType<typeof prisma.experimentDecision.findFirst>>>;

export async function recordDecision(experimentId: string, input: DecisionInput): Promise<DecisionRow> {
  return prisma.experimentDecision.create({ data: { experimentId, ...input } });
}

/** An experiment's recorded decisions, newest first. */
export async function decisionsOf(experimentId: string, take = 20): Promise<DecisionRow[]> {
  return prisma.experimentDecision.findMany({ where: { experimentId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
}

/** The newest recorded decision of each experiment. */
export async function latestDecisions(): Promise<Map<string, DecisionRow>> {
  const rows = await prisma.experimentDecision.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  const out = new Map<string, DecisionRow>();
  for (const r of rows) if (!out.has(r.experimentId)) out.set(r.experimentId, r);
  return out;
}
