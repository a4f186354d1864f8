import type { MetricContext, SqlMetric } from "@/lib/metrics/define";
import { EVENTS_SOURCE } from "@/lib/metrics/catalog";
import { assertIdentifier, type Dialect } from "@/lib/warehouse/dialect";
import type { AnalysisPlan } from "../analysis-plan";
import type { ParamBinder } from "./params";
import { sourceDateRange } from "./per-user";

/**
 * Free-SQL metrics: each is its own CTE over the cohort (and one more over the pre-exposure
 * window for CUPED), returning user_id, n_<key>, pct_<key> as the metric-file contract says.
 */
export interface SqlMetricRelations {
  ctes: string[];
  /** relation with the post-exposure values */
  main: string;
  /** relation with the pre-exposure values (CUPED), if any */
  pre: string | null;
}

export const sqlMetricColumns = (m: { key: string }) => ({ n: `n_${m.key}`, pct: `pct_${m.key}` });

function sqlContext(cohort: string, plan: AnalysisPlan, d: Dialect, p: ParamBinder): MetricContext {
  return {
    cohort,
    table: (name) => d.table(name),
    param: (value) => p.bind("metric_param", value),
    eventDateRange: (alias) => sourceDateRange(alias, EVENTS_SOURCE, plan, p),
    dateRange: (alias, column) => sourceDateRange(alias, { ...EVENTS_SOURCE, key: `${assertIdentifier(column, "date column")}`, date: column }, plan, p),
  };
}

/** The CTE of the cohort shifted to the covariate window, shared by free-SQL metrics. */
export function preCohortCte(plan: AnalysisPlan, d: Dialect, p: ParamBinder): string {
  const lookback = p.bind("lookback_days", plan.covariateLookbackDays);
  return `cohort_pre AS (
  SELECT user_id, variant, ${d.addDays("window_start", `-${lookback}`)} AS window_start, window_start AS window_end
  FROM cohort
)`;
}

export function sqlMetricRelations(m: SqlMetric, plan: AnalysisPlan, d: Dialect, p: ParamBinder, { cohort = "cohort", covariates = plan.covariateLookbackDays > 0 } = {}): SqlMetricRelations {
  const main = `m_${m.key}`;
  const ctes = [`${main} AS (${m.sql(sqlContext(cohort, plan, d, p))}\n)`];
  if (!covariates || plan.covariateLookbackDays <= 0) return { ctes, main, pre: null };
  const pre = `mx_${m.key}`;
  ctes.push(`${pre} AS (${m.sql(sqlContext("cohort_pre", plan, d, p))}\n)`);
  return { ctes, main, pre };
}
