import { publicMessage } from "@/lib/public-error";
import { loadCatalog } from "@/lib/metrics/registry";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { warehouseKind } from "@/lib/warehouse/config";
import { inAnalysisSlot } from "./analysis-queue";
import { executePlan, prepareAnalysis } from "./execute-plan";
import type { AnalysisPlan } from "./analysis-plan";
import { planFor, type PlanOptions } from "./plan";
import { analysedWeights, phasesOf, type PhaseChoice } from "./phases";
import { cancelMessage, runControl } from "./run-control";
import { claimRun, finishRun, markRunning, markStatement, nextSnapshotNumber, startHeartbeat, type RunOutcome } from "./runs";
import { noExposuresMessage } from "./no-exposures";
import { storedError, storedSql } from "./snapshot-limits";
import { getExperiment, type SnapshotRow } from "./store";

export { AnalysisInProgressError } from "./runs";

export { NO_EXPOSURES_PREFIX } from "./no-exposures";

/**
 * The analysis found nobody: a failed snapshot, never an empty "success". Usually a wrong exposure
 * key, dates before the logging started, or variant keys that differ from the logged ones.
 */
export class NoExposuresError extends Error {
  constructor(plan: Pick<AnalysisPlan, "exposureTable" | "experimentKey" | "startDate" | "endDate" | "variants">, excludedUsers: number) {
    super(noExposuresMessage(plan, excludedUsers));
    this.name = "NoExposuresError";
  }
}

export class ExperimentNotFoundError extends Error {
  constructor(id: string) {
    super(`no experiment with id "${id}"`);
    this.name = "ExperimentNotFoundError";
  }
}

/**
 * Runs one analysis (its statements in turn) and records it as a new snapshot, waiting for the
 * outcome (the CLI, the demo, tests; the web app uses enqueueAnalysis in analysis-jobs.ts). The
 * snapshot is claimed at the start (queued: one active run per experiment, see runs.ts), waits
 * for a free analysis slot (running), and is written once at the end (succeeded with every
 * number, failed with the warehouse's message, or cancelled); earlier snapshots are never
 * touched, so the last good result stays on the page.
 */
export interface RunOptions extends Pick<PlanOptions, "metrics" | "phase"> {
  /** who asked (audit and the run's status) */
  requestedBy?: string;
}

export async function runAnalysis(experimentId: string, warehouse?: Warehouse, options: RunOptions = {}): Promise<SnapshotRow> {
  const [exp, number] = await Promise.all([getExperiment(experimentId), nextSnapshotNumber(experimentId)]);
  if (!exp) throw new ExperimentNotFoundError(experimentId);
  const snapshot = await claimRun(experimentId, warehouse?.kind ?? warehouseKind(), options.requestedBy ?? null, phaseLabel(exp, options.phase), number);
  return runClaimed(exp, snapshot, warehouse, options);
}

/**
 * Carries a claimed run to its outcome: heartbeat, a cancel control, a slot in the analysis
 * queue. A cancel while the run still waits in line finishes it at once as cancelled (its turn
 * in the line then passes without touching the warehouse).
 */
export async function runClaimed(exp: Experiment, snapshot: SnapshotRow, warehouse?: Warehouse, options: Pick<PlanOptions, "metrics" | "phase"> = {}): Promise<SnapshotRow> {
  const stopHeartbeat = startHeartbeat(snapshot.id);
  const control = runControl(snapshot.id);
  let started = false;
  const cancelledInLine = new Promise<SnapshotRow>((resolve, reject) => {
    control.signal.addEventListener(
      "abort",
      () => {
        if (!started) finishRun(snapshot.id, { status: "cancelled", error: cancelMessage(control.signal) }).then(resolve, reject);
      },
      { once: true },
    );
  });
  try {
    const ran = await inAnalysisSlot(async () => {
      if (control.signal.aborted) return null;
      started = true;
      return execute(exp, snapshot, control.signal, warehouse, options);
    });
    return ran ?? (await cancelledInLine);
  } finally {
    control.release();
    stopHeartbeat();
  }
}

type Experiment = NonNullable<Awaited<ReturnType<typeof getExperiment>>>;

/** How a run records the phase it covers: "all", or a number (the current phase's when none was asked for). */
export function phaseLabel(exp: Experiment, choice: PhaseChoice | undefined): string {
  return choice === undefined ? String(phasesOf(exp).at(-1)!.number) : String(choice);
}

async function execute(exp: Experiment, snapshot: SnapshotRow, signal: AbortSignal, warehouse: Warehouse | undefined, options: Pick<PlanOptions, "metrics" | "phase">): Promise<SnapshotRow> {
  const experimentId = exp.id;
  const kind = snapshot.warehouse as Warehouse["kind"];
  const started = performance.now();
  let sql = "";
  let params: unknown = [];
  let wh = warehouse;
  let outcome: RunOutcome;
  try {
    await markRunning(snapshot.id);
    const plan = planFor(exp, await loadCatalog(), options);
    if (!wh) {
      await markStatement(snapshot.id, "opening the warehouse");
      wh = await openWarehouse(kind, { signal });
    }
    const prepared = prepareAnalysis(plan, wh.dialect);
    sql = prepared.sql;
    params = prepared.params;
    const labels = { app: "experiment-results", experiment: experimentId.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63) };
    const variants = analysedWeights(exp, plan.phase);
    const { stats, rowCount, bytesProcessed: bytes } = await executePlan(prepared, wh, {
      variants,
      control: exp.controlVariant,
      labels,
      signal,
      onStep: (step) => markStatement(snapshot.id, step),
    });
    const exposed = Object.values(stats.slices[0]?.users ?? {}).reduce((a, n) => a + n, 0);
    if (exposed === 0) throw new NoExposuresError(plan, stats.excludedUsers);
    outcome = {
      status: "succeeded",
      sql: storedSql(sql),
      parameters: JSON.stringify(params),
      rowCount,
      bytesProcessed: bytes === null ? null : BigInt(bytes),
      durationMs: Math.round(performance.now() - started),
      sufficientStats: JSON.stringify(stats),
    };
  } catch (err) {
    outcome = {
      // a cancel surfaces as the warehouse's own error ("Interrupted", "job cancelled"): the signal says which it was
      ...(signal.aborted ? { status: "cancelled", error: cancelMessage(signal) } : { status: "failed", error: storedError(publicMessage(err, "the analysis failed")) }),
      sql: storedSql(sql),
      parameters: JSON.stringify(params),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    // the warehouse is given back before the app-database write, which may have to wait
    if (wh && !warehouse) await wh.close();
  }
  return finishRun(snapshot.id, outcome);
}
