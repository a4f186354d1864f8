import { getMetric } from "@/lib/metrics/catalog";
import type { EventMetric, MetricDefinition, RatioMetric, SqlMetric } from "@/lib/metrics/define";
import type { AnalysisPlan } from "../analysis-plan";

/** A metric whose per-user value the aggregates compute: declarative (not quantile) or free SQL. */
export type Measured = EventMetric | SqlMetric;

export function isQuantile(m: MetricDefinition): m is EventMetric & { statistic: "quantile" } {
  return m.kind === "events" && m.statistic === "quantile";
}

/** A ratio's numerator and denominator, resolved in the plan's catalog. */
export function ratioParts(m: RatioMetric, plan: Pick<AnalysisPlan, "catalog">): [Measured, Measured] {
  const part = (key: string) => {
    const def = getMetric(plan.catalog, key);
    if (def.kind === "ratio" || isQuantile(def)) throw new Error(`ratio ${m.key}: "${key}" is not a metric with per-user values`);
    return def;
  };
  return [part(m.numerator), part(m.denominator)];
}

/**
 * Every metric whose per-user values the aggregates need, each once: the reported mean and
 * proportion metrics and the parts of the reported ratios, each with its CUPED covariate.
 */
export function measuredMetrics(plan: AnalysisPlan): { metric: Measured; covariate: boolean }[] {
  const out = new Map<string, { metric: Measured; covariate: boolean }>();
  const add = (metric: Measured, covariate: boolean) => {
    const seen = out.get(metric.key);
    out.set(metric.key, { metric, covariate: covariate || (seen?.covariate ?? false) });
  };
  const covariates = plan.covariateLookbackDays > 0;
  for (const m of plan.metrics) {
    // a ratio's CUPED covariate is its parts' own pre-exposure values
    if (m.kind === "ratio") for (const part of ratioParts(m, plan)) add(part, covariates);
    else if (!isQuantile(m)) add(m, covariates);
  }
  return [...out.values()];
}
