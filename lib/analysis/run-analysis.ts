import { publicMessage } from "@/lib/public-error";
import { analyze } from "@/lib/stats";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { warehouseKind } from "@/lib/warehouse/config";
import { inAnalysisSlot } from "./analysis-queue";
import { checkByteBudget } from "./byte-budget";
import { getExperiment } from "./experiments";
import { planFor } from "./plan";
import { claimRun, finishRun, markRunning, startHeartbeat, type RunOutcome } from "./runs";
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
 * Runs one analysis (its statements in turn) and records it as a new snapshot. The snapshot is
 * claimed at the start (queued: one active run per experiment, see runs.ts), waits for a free
 * analysis slot (running), and is written once at the end (succeeded with every number, or failed
 * with the warehouse's message); earlier snapshots are never touched, so the last good result
 * stays on the page.
 */
export async function runAnalysis(experimentId: string, warehouse?: Warehouse): Promise<SnapshotRow> {
  const exp = await getExperiment(experimentId);
  if (!exp) throw new ExperimentNotFoundError(experimentId);
  const kind = warehouse?.kind ?? warehouseKind();
  const snapshot = await claimRun(experimentId, kind);
  const stopHeartbeat = startHeartbeat(snapshot.id);
  try {
    return await inAnalysisSlot(() => execute(exp, snapshot, warehouse));
  } finally {
    stopHeartbeat();
  }
}

type Experiment = NonNullable<Awaited<ReturnType<typeof getExperiment>>>;

async function execute(exp: Experiment, snapshot: SnapshotRow, warehouse?: Warehouse): Promise<SnapshotRow> {
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
    wh ??= await openWarehouse(kind);
    const statements = analysisStatements(plan, wh.dialect);
    sql = formatStatements(statements, false);
    // per statement: the same name can carry a different value in another statement
    params = statements.map((s) => ({ statement: s.kind, params: s.params }));
    const estimates = await checkByteBudget(wh, statements);
    const labels = { app: "experiment-results", experiment: experimentId.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63) };
    const variants = exp.variants.map((v) => ({ key: v.key, weight: v.weight }));
    let stats: SufficientStats | undefined;
    const timeseries: TimeSeriesStats[] = [];
    let rowCount = 0;
    let bytes: number | null = null;
    for (const [i, statement] of statements.entries()) {
      const result = await wh.query(statement.sql, statement.params, { labels, estimatedBytes: estimates?.[i] });
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
      status: "failed",
      sql: storedSql(sql),
      parameters: JSON.stringify(params),
      error: storedError(publicMessage(err, "the analysis failed")),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    // the warehouse is given back before the app-database write, which may have to wait
    if (wh && !warehouse) await wh.close();
  }
  return finishRun(snapshot.id, outcome);
}
