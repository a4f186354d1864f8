import { prisma } from "@/lib/db";
import { analyze } from "@/lib/stats";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { getExperiment } from "./experiments";
import { planFor } from "./plan";
import type { SnapshotRow } from "./snapshots";
import { buildAnalysisQuery } from "./sql/analysis-sql";
import { DEFAULT_VIEW, toStatsRequest } from "./stats-request";
import { toSufficientStats } from "./sufficient-stats";

export class ExperimentNotFoundError extends Error {
  constructor(id: string) {
    super(`no experiment with id "${id}"`);
    this.name = "ExperimentNotFoundError";
  }
}

/**
 * Runs one analysis and records it as a new snapshot. The snapshot is written once at the start
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
    const query = buildAnalysisQuery(plan, wh.dialect);
    sql = query.sql;
    params = query.params;
    const result = await wh.query(query.sql, query.params, {
      labels: { app: "experiment-results", experiment: experimentId.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63) },
    });
    const variants = exp.variants.map((v) => ({ key: v.key, weight: v.weight }));
    const stats = toSufficientStats(result.rows, variants, plan.metrics, plan.covariateLookbackDays > 0);
    const answer = analyze(toStatsRequest(stats, exp.controlVariant, DEFAULT_VIEW));
    return await prisma.snapshot.update({
      where: { id: snapshot.id },
      data: {
        status: "succeeded",
        sql,
        parameters: JSON.stringify(params),
        rowCount: result.rows.length,
        bytesProcessed: result.stats.bytesProcessed === null ? null : BigInt(result.stats.bytesProcessed),
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
