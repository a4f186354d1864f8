import { publicMessage } from "@/lib/public-error";
import { loadCatalog } from "@/lib/metrics/registry";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { warehouseKind } from "@/lib/warehouse/config";
import { inAnalysisSlot } from "./analysis-queue";
import { executePlan, prepareAnalysis } from "./execute-plan";
import type { AnalysisPlan } from "./analysis-plan";
import { planFor, type PlanOptions } from "./plan";
import { claimRun, finishRun, markRunning, nextSnapshotNumber, startHeartbeat, type RunOutcome } from "./runs";
import { storedError, storedSql } from "./snapshot-limits";
import { getExperiment, type SnapshotRow } from "./store";

export { AnalysisInProgressError } from "./runs";

/**
 * The analysis found nobody: a failed snapshot, never an empty "success". Usually a wrong exposure
 * key, dates before the logging started, or variant keys that differ from the logged ones.
 */
export class NoExposuresError extends Error {
  constructor(plan: Pick<AnalysisPlan, "exposureTable" | "experimentKey" | "startDate" | "endDate" | "variants">, excludedUsers: number) {
    const several = excludedUsers > 0 ? ` (${excludedUsers} users were seen in several variants and left out)` : "";
    super(
      `no exposed users: the exposure table "${plan.exposureTable}" has no users with experiment_id "${plan.experimentKey}" ` +
        `and variant ${plan.variants.map((v) => `"${v}"`).join(" or ")} between ${plan.startDate} and ${plan.endDate}${several}. ` +
        `Check the exposure key, the dates and the variant keys (the experiment form shows what the warehouse holds).`,
    );
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
 * Runs one analysis (its statements in turn) and records it as a new snapshot. The snapshot is
 * claimed at the start (queued: one active run per experiment, see runs.ts), waits for a free
 * analysis slot (running), and is written once at the end (succeeded with every number, or failed
 * with the warehouse's message); earlier snapshots are never touched, so the last good result
 * stays on the page.
 */
export async function runAnalysis(experimentId: string, warehouse?: Warehouse, options: Pick<PlanOptions, "metrics"> = {}): Promise<SnapshotRow> {
  const [exp, number] = await Promise.all([getExperiment(experimentId), nextSnapshotNumber(experimentId)]);
  if (!exp) throw new ExperimentNotFoundError(experimentId);
  const kind = warehouse?.kind ?? warehouseKind();
  const snapshot = await claimRun(experimentId, kind, number);
  const stopHeartbeat = startHeartbeat(snapshot.id);
  try {
    return await inAnalysisSlot(() => execute(exp, snapshot, warehouse, options));
  } finally {
    stopHeartbeat();
  }
}

type Experiment = NonNullable<Awaited<ReturnType<typeof getExperiment>>>;

async function execute(exp: Experiment, snapshot: SnapshotRow, warehouse: Warehouse | undefined, options: Pick<PlanOptions, "metrics">): Promise<SnapshotRow> {
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
    wh ??= await openWarehouse(kind);
    const prepared = prepareAnalysis(plan, wh.dialect);
    sql = prepared.sql;
    params = prepared.params;
    const labels = { app: "experiment-results", experiment: experimentId.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63) };
    const variants = exp.variants.map((v) => ({ key: v.key, weight: v.weight }));
    const { stats, rowCount, bytesProcessed: bytes } = await executePlan(prepared, wh, { variants, control: exp.controlVariant, labels });
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
