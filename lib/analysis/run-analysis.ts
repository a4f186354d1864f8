import { prisma } from "@/lib/db";
import { analyze } from "@/lib/stats";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { getExperiment } from "./experiments";
import { planFor } from "./plan";
import type { SnapshotRow } from "./snapshots";
import { isEventMetric } from "./sql/metric-sql";
import { analysisStatements, formatStatements } from "./sql/statements";
import { toTimeSeriesStats, type TimeSeriesStats } from "./timeseries";
import { DEFAULT_VIEW, toStatsRequest } from "./stats-request";
import { toSufficientStats, type SufficientStats } from "./sufficient-stats";

export class ExperimentNotFoundError extends Error {
  constructor(id: string) {
    super(`no experiment with id "${id}"`);
    this.name = "ExperimentNotFoundError";
  }
}

/**
 * Runs one analysis (its statements in turn) and records it as a new snapshot. The snapshot is written once at the start
 * (running) and once at the end (succeeded with every number, or failed with the warehouse's
 * message); earlier snapshots are never touched, so the last good result stays on the page.
 */
export async function runAnalysis(experimentId: string, warehouse?: Warehouse): Promise<SnapshotRow> {
  const exp = await getExperiment(experimentId);
  if (!exp) throw new ExperimentNotFoundError(experimentId);
  const kind = warehouse?.kind ?? (process.env.WAREHOUSE === "bigquery" ? "bigquery" : "duckdb");
  const snapshot = await prisma.snapshot.create({ data: { experimentId, status: "running", warehouse: kind } });
  const started = performance.now();
  let sql = "";
  let params = {};
  let wh = warehouse;
  try {
    const plan = planFor(exp);
    wh ??= await openWarehouse(kind);
    const statements = analysisStatements(plan, wh.dialect);
    sql = formatStatements(statements, false);
    params = Object.assign({}, ...statements.map((s) => s.params));
    const labels = { app: "experiment-results", experiment: experimentId.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63) };
    const variants = exp.variants.map((v) => ({ key: v.key, weight: v.weight }));
    let stats: SufficientStats | undefined;
    const timeseries: TimeSeriesStats[] = [];
    let rowCount = 0;
    let bytes: number | null = null;
    for (const statement of statements) {
      const result = await wh.query(statement.sql, statement.params, { labels });
      rowCount += result.rows.length;
      if (result.stats.bytesProcessed !== null) bytes = (bytes ?? 0) + result.stats.bytesProcessed;
      if (statement.kind === "aggregates") {
        stats = toSufficientStats(result.rows, variants, plan.metrics, plan.covariateLookbackDays > 0, plan.segments);
      } else {
        timeseries.push(toTimeSeriesStats(result.rows, statement.mode, plan.startDate, plan.metrics.filter(isEventMetric)));
      }
    }
    if (!stats) throw new Error("the analysis produced no aggregates");
    stats.timeseries = timeseries;
    const answer = analyze(toStatsRequest(stats, stats.slices[0]!, exp.controlVariant, DEFAULT_VIEW));
    return await prisma.snapshot.update({
      where: { id: snapshot.id },
      data: {
        status: "succeeded",
        sql,
        parameters: JSON.stringify(params),
        rowCount,
        bytesProcessed: bytes === null ? null : BigInt(bytes),
        durationMs: Math.round(performance.now() - started),
        sufficientStats: JSON.stringify(stats),
        results: JSON.stringify(answer),
        finishedAt: new Date(),
      },
    });
  } catch (err) {
    return prisma.snapshot.update({
      where: { id: snapshot.id },
      data: {
        status: "failed",
        sql,
        parameters: JSON.stringify(params),
        error: (err as Error).message || String(err),
        durationMs: Math.round(performance.now() - started),
        finishedAt: new Date(),
      },
    });
  } finally {
    if (wh && !warehouse) await wh.close();
  }
}
