import { analyze, type MetricInput, type MetricResult, type StatsAnswer, type StatsRequest, type VariantResult } from "@/lib/stats";

/**
 * The one call from lib/analysis into the stats engine. Quantile metrics are sent in the shape
 * the engine's quantile support takes (per variant: n and the sample quantile with its bracket);
 * until that support is merged, they are answered here with their estimates and no comparison.
 * Once the engine takes `type: "quantile"`, runEngine is `analyze` itself.
 */

export interface QuantileVariantInput {
  n: number;
  quantile: { level: number; estimate: number; lower: number; upper: number; bracketZ: number; effectiveN: number };
}

export interface QuantileMetricInput {
  key: string;
  type: "quantile";
  data: Record<string, QuantileVariantInput>;
}

export type EngineMetricInput = MetricInput | QuantileMetricInput;
export type EngineRequest = Omit<StatsRequest, "metrics"> & { metrics: EngineMetricInput[] };
export type EngineMetricResult = Omit<MetricResult, "type"> & { type: EngineMetricInput["type"] };
export type EngineAnswer = Omit<StatsAnswer, "metrics"> & { metrics: EngineMetricResult[] };

const isQuantileInput = (m: EngineMetricInput): m is QuantileMetricInput => m.type === "quantile";

/** Estimates only: the engine's quantile inference (and its intervals) is not merged yet. */
function quantileEstimates(m: QuantileMetricInput, req: EngineRequest): EngineMetricResult {
  const control = req.control ?? req.variants[0]?.id;
  return {
    key: m.key,
    type: "quantile",
    variants: req.variants.map((v): VariantResult => {
      const d = m.data[v.id];
      const base: VariantResult = { id: v.id, n: d?.n ?? 0, mean: d && d.n > 0 ? d.quantile.estimate : null, stdDev: null };
      if (v.id === control) return base;
      const none = { estimate: null, ciLow: null, ciHigh: null };
      return { ...base, absolute: none, relative: none, pValue: null, adjustedPValue: null, chanceToWin: null, risk: { control: null, treatment: null }, cuped: false };
    }),
  };
}

export function runEngine(req: EngineRequest): EngineAnswer {
  const plain = req.metrics.filter((m): m is MetricInput => !isQuantileInput(m));
  const answer = analyze({ ...req, metrics: plain });
  const byKey = new Map<string, EngineMetricResult>(answer.metrics.map((m) => [m.key, m]));
  const warnings = [...answer.warnings];
  for (const m of req.metrics) {
    if (!isQuantileInput(m)) continue;
    byKey.set(m.key, quantileEstimates(m, req));
    warnings.push(`metric "${m.key}": quantile estimates only; intervals come with the stats engine's quantile support`);
  }
  return { ...answer, metrics: req.metrics.map((m) => byKey.get(m.key)!), warnings };
}
