import { loadCatalog } from "@/lib/metrics/registry";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { warehouseKind } from "@/lib/warehouse/config";
import { executePlan, prepareAnalysis } from "./execute-plan";
import type { ExperimentWithParts } from "./experiments";
import { planFor } from "./plan";
import { analysedWeights, type PhaseChoice } from "./phases";
import { resultsFromStats, type ResultsDocument } from "./results-document";

/**
 * "What does this metric say here?": analyses an experiment with the given registered metrics
 * instead of its own, and returns the results without storing anything.
 */
export async function analyzeAdHoc(exp: ExperimentWithParts, metrics: readonly string[], warehouse?: Warehouse, phase?: PhaseChoice): Promise<ResultsDocument> {
  const plan = planFor(exp, await loadCatalog(), { metrics, phase });
  const startedAt = new Date();
  const started = performance.now();
  const wh = warehouse ?? (await openWarehouse(warehouseKind()));
  try {
    const prepared = prepareAnalysis(plan, wh.dialect);
    // the same planned split as a stored analysis of this phase
    const run = await executePlan(prepared, wh, { variants: analysedWeights(exp, plan.phase), control: exp.controlVariant });
    const summary = {
      id: null,
      number: null,
      status: "succeeded",
      warehouse: wh.kind,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - started),
      bytesProcessed: run.bytesProcessed,
      rowCount: run.rowCount,
      error: null,
    };
    return resultsFromStats(exp, run.stats, { snapshot: summary, lastFailure: null });
  } finally {
    if (!warehouse) await wh.close();
  }
}
