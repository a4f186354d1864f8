import { prisma } from "@/lib/db";
import { loadCatalog } from "@/lib/metrics/registry";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { warehouseKind } from "@/lib/warehouse/config";
import { executePlan, prepareAnalysis } from "./execute-plan";
import { planFor, type PlanOptions } from "./plan";
import { getExperiment, type SnapshotRow } from "./store";

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
export async function runAnalysis(experimentId: string, warehouse?: Warehouse, options: Pick<PlanOptions, "metrics"> = {}): Promise<SnapshotRow> {
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
    const plan = planFor(exp, await loadCatalog(), options);
    wh ??= await openWarehouse(kind);
    const prepared = prepareAnalysis(plan, wh.dialect);
    sql = prepared.sql;
    params = prepared.params;
    const labels = { app: "experiment-results", experiment: experimentId.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63) };
    const variants = exp.variants.map((v) => ({ key: v.key, weight: v.weight }));
    const { stats, rowCount, bytesProcessed: bytes } = await executePlan(prepared, wh, { variants, control: exp.controlVariant, labels });
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
