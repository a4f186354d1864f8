import { prisma } from "@/lib/db";
import { publicMessage } from "@/lib/public-error";
import { analyze } from "@/lib/stats";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { warehouseKind } from "@/lib/warehouse/config";
import { checkByteBudget } from "./byte-budget";
import { getExperiment } from "./experiments";
import { planFor } from "./plan";
import { storedError, storedSql } from "./snapshot-limits";
import type { SnapshotRow } from "./snapshots";
import { timeSeriesMetrics } from "./sql/timeseries-sql";
import { analysisStatements, formatStatements } from "./sql/statements";
import { toTimeSeriesStats, type TimeSeriesStats } from "./timeseries";
import { DEFAULT_VIEW, toStatsRequest } from "./stats-request";
import { toSufficientStats, type SufficientStats } from "./sufficient-stats";

/** An analysis of the same experiment is still running (each run costs a warehouse scan). */
export class AnalysisInProgressError extends Error {
  constructor(id: string, since: Date) {
    super(`an analysis of "${id}" has been running since ${since.toISOString()}; wait for it to finish`);
    this.name = "AnalysisInProgressError";
  }
}

// A snapshot still "running" after this long belongs to a process that died; it is marked failed.
const STALE_AFTER_MS = 30 * 60 * 1000;

async function claimRun(experimentId: string): Promise<void> {
  const running = await prisma.snapshot.findMany({ where: { experimentId, status: "running" } });
  for (const s of running) {
    if (Date.now() - s.startedAt.getTime() < STALE_AFTER_MS) throw new AnalysisInProgressError(experimentId, s.startedAt);
    await prisma.snapshot.update({
      where: { id: s.id },
      data: { status: "failed", error: "interrupted: the process running this analysis stopped before it finished", finishedAt: new Date() },
    });
  }
}

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
  const kind = warehouse?.kind ?? warehouseKind();
  await claimRun(experimentId);
  const snapshot = await prisma.snapshot.create({ data: { experimentId, status: "running", warehouse: kind } });
  const started = performance.now();
  let sql = "";
  let params: unknown = [];
  let wh = warehouse;
  try {
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
    return await prisma.snapshot.update({
      where: { id: snapshot.id },
      data: {
        status: "succeeded",
        sql: storedSql(sql),
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
        sql: storedSql(sql),
        parameters: JSON.stringify(params),
        error: storedError(publicMessage(err, "the analysis failed")),
        durationMs: Math.round(performance.now() - started),
        finishedAt: new Date(),
      },
    });
  } finally {
    if (wh && !warehouse) await wh.close();
  }
}
