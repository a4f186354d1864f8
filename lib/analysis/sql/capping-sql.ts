import type { Cap, MetricDefinition } from "@/lib/metrics/define";
import type { Dialect } from "@/lib/warehouse/dialect";
import type { AnalysisPlan } from "./analysis-plan";
import type { ParamBinder } from "./params";

export function hasCapping(plan: AnalysisPlan): boolean {
  return plan.metrics.some((m) => m.statistic === "mean" && (m.capping?.upper || m.capping?.lower));
}

/** The threshold for one tail: a bound number, or a percentile of the users' non-zero values. */
function threshold(cap: Cap, column: string, m: MetricDefinition, tail: "upper" | "lower", d: Dialect, p: ParamBinder): string {
  const bound = () => p.bind(`cap_${m.key}_${tail}`, cap.value);
  // zeros are excluded so that a sparse metric's p99 is not simply 0
  return cap.type === "absolute" ? bound() : d.percentileOverAll(`NULLIF(${column}, 0)`, cap.value, bound);
}

function capped(column: string, m: MetricDefinition, d: Dialect, p: ParamBinder): string {
  let expr = column;
  const lower = m.capping?.lower;
  if (lower) {
    const raised = `GREATEST(${expr}, COALESCE(${threshold(lower, column, m, "lower", d, p)}, ${expr}))`;
    // a percentile floor is taken over users who did something, so it must not lift the zeros
    expr = lower.type === "percentile" ? `CASE WHEN ${column} = 0 THEN ${column} ELSE ${raised} END` : raised;
  }
  if (m.capping?.upper) expr = `LEAST(${expr}, COALESCE(${threshold(m.capping.upper, column, m, "upper", d, p)}, ${expr}))`;
  return expr;
}

/**
 * CTE `capped_values`: user_values with each capped mean metric winsorized (the covariate with
 * its own threshold). Percentile thresholds are window aggregates over all users, so capping adds
 * no second scan of the source tables.
 */
export function cappedValuesCte(plan: AnalysisPlan, d: Dialect, p: ParamBinder): string {
  const columns = ["user_id", "variant", ...plan.segments.map((dim) => `seg_${dim}`)];
  for (const m of plan.metrics) {
    const cap = m.statistic === "mean" && (m.capping?.upper || m.capping?.lower);
    columns.push(cap ? `${capped(`y_${m.key}`, m, d, p)} AS y_${m.key}` : `y_${m.key}`, `pct_${m.key}`);
    if (plan.covariateLookbackDays > 0) columns.push(cap ? `${capped(`x_${m.key}`, m, d, p)} AS x_${m.key}` : `x_${m.key}`);
  }
  return `capped_values AS (
  SELECT
    ${columns.join(",\n    ")}
  FROM user_values
)`;
}
