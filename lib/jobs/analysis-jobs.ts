import { getExperiment } from "@/lib/analysis/experiments";
import { ExperimentNotFoundError, phaseLabel, runClaimed } from "@/lib/analysis/run-analysis";
import type { PhaseChoice } from "@/lib/analysis/phases";
import { abortLocalRun } from "@/lib/analysis/run-control";
import { claimRun, isRunOwnerDead, reapIfDead } from "@/lib/analysis/runs";
import type { SnapshotRow } from "@/lib/analysis/store";
import { actorName, type Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/log";
import { runName } from "@/lib/audit/run-names";
import { prisma } from "@/lib/db";
import { notifyAfterRun } from "@/lib/notify/deliver";
import { publicMessage, scrubInternals } from "@/lib/public-error";
import type { Warehouse } from "@/lib/warehouse";
import { warehouseKind } from "@/lib/warehouse/config";

// Background analyses in the server process. A refresh (or a schedule) claims a run at once —
// the unique index on activeExperimentId makes that atomic, so of ten concurrent refreshes of
// one experiment exactly one gets a run — and the analysis goes on after the answer: queued
// until an analysis slot is free (ANALYSIS_CONCURRENCY), running, then succeeded, failed or
// cancelled. The run row is the job: its status is read back by id, and a cancel reaches the
// warehouse (run-control.ts).

export interface EnqueueOptions {
  /** why it runs: "refresh" (a person or an API client), "schedule", … */
  reason: string;
  actor: Actor;
  /** a warehouse other than the configured one (tests) */
  warehouse?: Warehouse;
  /** the phase to analyse (issue 13); the current one when absent */
  phase?: PhaseChoice;
}

const slot = globalThis as typeof globalThis & { __backgroundRuns?: Set<Promise<unknown>> };
const background = (slot.__backgroundRuns ??= new Set<Promise<unknown>>());

/**
 * Claims a run of the experiment and starts it in the background; returns the queued run at
 * once. Throws ExperimentNotFoundError, or AnalysisInProgressError while another run of the
 * experiment is queued or running.
 */
export async function enqueueAnalysis(experimentId: string, options: EnqueueOptions): Promise<SnapshotRow> {
  const exp = await getExperiment(experimentId);
  if (!exp) throw new ExperimentNotFoundError(experimentId);
  const run = await claimRun(experimentId, options.warehouse?.kind ?? warehouseKind(), actorName(options.actor), phaseLabel(exp, options.phase));
  await recordAudit(options.actor, {
    action: "analysed",
    targetType: "run",
    targetId: String(run.id),
    experimentId,
    summary: `${runName(run)} started (${options.reason}${options.phase === undefined ? "" : `, phase ${options.phase}`})`,
  });
  const work = runClaimed(exp, run, options.warehouse, { phase: options.phase })
    .then((finished) => notifyAfterRun(finished))
    .catch((err: unknown) => publicMessage(err, `background analysis #${run.id} of ${experimentId}`));
  background.add(work);
  void work.finally(() => background.delete(work));
  return run;
}

/** Resolves when every background analysis of this process (and its notifications) has settled. */
export async function backgroundAnalysesSettled(): Promise<void> {
  while (background.size > 0) await Promise.allSettled([...background]);
}

export type CancelOutcome = { run: SnapshotRow; changed: boolean } | null;

/**
 * Asks a run to stop: at once when this process owns it (DuckDB: the connection is interrupted;
 * BigQuery: the job is cancelled), else through the run row, which its owner polls. A queued or
 * running run whose owner is gone is finished as cancelled here. Null for an unknown run;
 * `changed: false` when it had already finished.
 */
export async function cancelAnalysis(runId: number, actor: Actor): Promise<CancelOutcome> {
  const run = await prisma.snapshot.findUnique({ where: { id: runId } });
  if (!run) return null;
  if (run.activeExperimentId === null) return { run, changed: false };
  await prisma.snapshot.updateMany({ where: { id: runId, activeExperimentId: { not: null }, cancelRequestedAt: null }, data: { cancelRequestedAt: new Date() } });
  const by = actorName(actor);
  if (!abortLocalRun(runId, by) && isRunOwnerDead(run)) {
    await prisma.snapshot.updateMany({
      where: { id: runId, activeExperimentId: { not: null } },
      data: { status: "cancelled", error: `cancelled by ${by}`, finishedAt: new Date(), activeExperimentId: null, currentStatement: null },
    });
  }
  await recordAudit(actor, {
    action: "cancelled",
    targetType: "run",
    targetId: String(runId),
    experimentId: run.experimentId,
    summary: `${runName(run)} cancelled while ${run.status}${run.currentStatement ? ` (${run.currentStatement})` : ""}`,
  });
  return { run: (await prisma.snapshot.findUnique({ where: { id: runId } })) ?? run, changed: true };
}

export interface RunStatus {
  id: number;
  experimentId: string;
  /** #n within the experiment (the URL of its results: /experiments/<id>/snapshots/<n>) */
  snapshotNumber: number | null;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  /** the statement the warehouse is running (while running) */
  statement: string | null;
  /** since the run was asked for (queued), started running, or how long it took */
  elapsedMs: number;
  queuedAt: string;
  runningAt: string | null;
  finishedAt: string | null;
  cancelRequested: boolean;
  requestedBy: string | null;
  /** for failed and cancelled runs: the message (warehouse errors as they are; anything else with a reference) */
  error: string | null;
}

export function runStatus(run: SnapshotRow, now = Date.now()): RunStatus {
  const status = run.status as RunStatus["status"];
  const finished = run.finishedAt?.getTime() ?? null;
  const since = run.runningAt?.getTime() ?? run.startedAt.getTime();
  return {
    id: run.id,
    experimentId: run.experimentId,
    snapshotNumber: run.number,
    status,
    statement: status === "running" ? run.currentStatement : null,
    elapsedMs: Math.max(0, finished !== null ? (run.durationMs ?? finished - since) : now - (status === "queued" ? run.startedAt.getTime() : since)),
    queuedAt: run.startedAt.toISOString(),
    runningAt: run.runningAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    cancelRequested: run.cancelRequestedAt !== null,
    requestedBy: run.requestedBy,
    error: run.error === null ? null : scrubInternals(run.error),
  };
}

/** The run's status (a run whose owner died is marked interrupted first); null for an unknown id. */
export async function readRunStatus(runId: number): Promise<RunStatus | null> {
  const run = await prisma.snapshot.findUnique({ where: { id: runId } });
  return run ? runStatus(await reapIfDead(run)) : null;
}

/** The experiment's queued or running run, if any. */
export async function activeRun(experimentId: string): Promise<RunStatus | null> {
  const run = await prisma.snapshot.findUnique({ where: { activeExperimentId: experimentId } });
  if (!run) return null;
  const now = await reapIfDead(run);
  return now.activeExperimentId === null ? null : runStatus(now);
}
