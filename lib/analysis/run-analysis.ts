import { publicMessage } from "@/lib/public-error";
import { analyze } from "@/lib/stats";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { warehouseKind } from "@/lib/warehouse/config";
import { inAnalysisSlot } from "./analysis-queue";
import { checkByteBudget } from "./byte-budget";
import { getExperiment } from "./experiments";
import { planFor } from "./plan";
import { cancelMessage, runControl } from "./run-control";
import { claimRun, finishRun, markRunning, markStatement, startHeartbeat, type RunOutcome } from "./runs";
import { storedError, storedSql } from "./snapshot-limits";
import type { SnapshotRow } from "./snapshots";
import { timeSeriesMetrics } from "./sql/timeseries-sql";
import { analysisStatements, formatStatements } from "./sql/statements";
import { toTimeSeriesStats, type TimeSeriesStats } from "./timeseries";
import { DEFAULT_VIEW, toStatsRequest } from "./stats-request";
import { toSufficientStats, type SufficientStats } from "./sufficient-stats";

export { AnalysisInProgressError } from "./runs";

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
export async function runAnalysis(experimentId: string, warehouse?: Warehouse, options: { requestedBy?: string } = {}): Promise<SnapshotRow> {
  const exp = await getExperiment(experimentId);
  if (!exp) throw new ExperimentNotFoundError(experimentId);
  const snapshot = await claimRun(experimentId, warehouse?.kind ?? warehouseKind(), options.requestedBy ?? null);
  return runClaimed(exp, snapshot, warehouse);
}

/**
 * Carries a claimed run to its outcome: heartbeat, a cancel control, a slot in the analysis
 * queue. A cancel while the run still waits in line finishes it at once as cancelled (its turn
 * in the line then passes without touching the warehouse).
 */
export async function runClaimed(exp: Experiment, snapshot: SnapshotRow, warehouse?: Warehouse): Promise<SnapshotRow> {
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
      return execute(exp, snapshot, control.signal, warehouse);
    });
    return ran ?? (await cancelledInLine);
  } finally {
    control.release();
    stopHeartbeat();
  }
}

type Experiment = NonNullable<Awaited<ReturnType<typeof getExperiment>>>;

async function execute(exp: Experiment, snapshot: SnapshotRow, signal: AbortSignal, warehouse?: Warehouse): Promise<SnapshotRow> {
  const experimentId = exp.id;
  const kind = snapshot.warehouse as Warehouse["kind"];
  const started = performance.now();
  let sql = "";
  let params: unknown = [];
  let wh = warehouse;
  let outcome: RunOutcome;
  try {
    await markRunning(snapshot.id);
    const plan = planFor(exp);
    if (!wh) {
      await markStatement(snapshot.id, "opening the warehouse");
      wh = await openWarehouse(kind, { signal });
    }
    const statements = analysisStatements(plan, wh.dialect);
    sql = formatStatements(statements, false);
    // per statement: the same name can carry a different value in another statement
    params = statements.map((s) => ({ statement: s.kind, params: s.params }));
    if (wh.maxBytes !== null) await markStatement(snapshot.id, "dry runs (byte budget)");
    const estimates = await checkByteBudget(wh, statements);
    const labels = { app: "experiment-results", experiment: experimentId.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63) };
    const variants = exp.variants.map((v) => ({ key: v.key, weight: v.weight }));
    let stats: SufficientStats | undefined;
    const timeseries: TimeSeriesStats[] = [];
    let rowCount = 0;
    let bytes: number | null = null;
    for (const [i, statement] of statements.entries()) {
      if (signal.aborted) throw signal.reason;
      await markStatement(snapshot.id, statement.kind);
      const result = await wh.query(statement.sql, statement.params, { labels, estimatedBytes: estimates?.[i], signal });
      rowCount += result.rows.length;
      if (result.stats.bytesProcessed !== null) bytes = (bytes ?? 0) + result.stats.bytesProcessed;
      if (statement.kind === "aggregates") {
        stats = toSufficientStats(result.rows, variants, plan.metrics, plan.covariateLookbackDays > 0, plan.segments);
      } else {
        timeseries.push(...toTimeSeriesStats(result.rows, plan.startDate, timeSeriesMetrics(plan.metrics)));
      }
    }
    if (!stats) throw new Error("the analysis produced no aggregates");
    stats.timeseries = timeseries;
    stats.control = exp.controlVariant;
    const answer = analyze(toStatsRequest(stats, stats.slices[0]!, exp.controlVariant, DEFAULT_VIEW));
    outcome = {
      status: "succeeded",
      sql: storedSql(sql),
      parameters: JSON.stringify(params),
      rowCount,
      bytesProcessed: bytes === null ? null : BigInt(bytes),
      durationMs: Math.round(performance.now() - started),
      sufficientStats: JSON.stringify(stats),
      results: JSON.stringify(answer),
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
