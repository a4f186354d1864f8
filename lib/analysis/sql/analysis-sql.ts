import type { Dialect } from "@/lib/warehouse/dialect";
import type { SqlParams } from "@/lib/warehouse/types";
import type { AnalysisPlan } from "./analysis-plan";
import { cappedValuesCte, hasCapping } from "./capping-sql";
import { cohortCtes } from "./cohort-sql";
import { eventsPass, isEventMetric, preCohortCte, sqlMetricSources, type MetricSource } from "./metric-sql";
import { ParamBinder } from "./params";

export interface AnalysisQuery {
  sql: string;
  params: SqlParams;
}

/** CTE `user_values`: one row per cohort user, every metric zero-filled (y_, pct_, and x_ for CUPED). */
function userValuesCte(plan: AnalysisPlan, sources: MetricSource[]): string {
  const columns = ["c.user_id", "c.variant", ...plan.segments.map((dim) => `c.seg_${dim}`)];
  for (const m of plan.metrics) {
    const own = sources.find((s) => s.columns.has(m.key) && !s.alias.startsWith("mx_"));
    const cols = own?.columns.get(m.key);
    if (!own || !cols) throw new Error(`metric ${m.key} has no source`);
    columns.push(`COALESCE(${own.alias}.${cols.n}, 0) AS y_${m.key}`, `COALESCE(${own.alias}.${cols.pct}, 0) AS pct_${m.key}`);
    if (plan.covariateLookbackDays > 0) {
      const pre = sources.find((s) => s.alias === `mx_${m.key}`);
      columns.push(
        pre
          ? `COALESCE(${pre.alias}.${m.statistic === "proportion" ? cols.pct : cols.n}, 0) AS x_${m.key}`
          : `COALESCE(${own.alias}.${cols.x}, 0) AS x_${m.key}`,
      );
    }
  }
  const joins = sources.map((s) => `LEFT JOIN ${s.alias} ON ${s.alias}.user_id = c.user_id`);
  return `user_values AS (
  SELECT
    ${columns.join(",\n    ")}
  FROM cohort c
  ${joins.join("\n  ")}
)`;
}

/**
 * The whole analysis as one statement: cohort ⟕ metrics, zero-filled, capped where the metric
 * says so, grouped by variant and every segment column: one row per variant and combination of
 * segment values (platform and country capped to the top N + "other", user type has at most
 * three values), so the rows stay in the hundreds, never per user.
 * Every statistic is a sum, so the whole population and each segment slice are sums of these
 * cells, added up by toSufficientStats. (GROUPING SETS would return the slices directly, but on
 * DuckDB its extra hash tables share the memory limit with the events join, which then spills:
 * 2× slower at 5M users.)
 * Only aggregates leave the warehouse: users, Σy, Σy², Σpct (and Σx, Σx², Σxy for CUPED) per
 * metric, plus the count of users excluded for seeing several variants.
 */
export function buildAnalysisQuery(plan: AnalysisPlan, d: Dialect): AnalysisQuery {
  const p = new ParamBinder(d);
  const ctes = cohortCtes(plan, d, p);
  const sources: MetricSource[] = [];
  const events = eventsPass(plan.metrics.filter(isEventMetric), plan, d, p);
  if (events) sources.push(events);
  const sqlMetrics = plan.metrics.filter((m) => m.kind === "sql");
  if (sqlMetrics.length > 0 && plan.covariateLookbackDays > 0) ctes.push(preCohortCte(plan, d, p));
  for (const m of sqlMetrics) if (m.kind === "sql") sources.push(...sqlMetricSources(m, plan, d, p));
  ctes.push(...sources.map((s) => s.cte));
  ctes.push(userValuesCte(plan, sources));
  const valuesTable = hasCapping(plan) ? "capped_values" : "user_values";
  if (hasCapping(plan)) ctes.push(cappedValuesCte(plan, d, p));

  const f = d.floatType;
  const aggregates: string[] = [];
  for (const m of plan.metrics) {
    const y = `v.y_${m.key}`;
    const pct = `v.pct_${m.key}`;
    aggregates.push(
      `CAST(SUM(${y}) AS ${f}) AS n_${m.key}_sum`,
      `CAST(SUM(${y} * ${y}) AS ${f}) AS n_${m.key}_sumsq`,
      `CAST(SUM(${pct}) AS ${f}) AS pct_${m.key}_sum`,
    );
    if (plan.covariateLookbackDays > 0) {
      const x = `v.x_${m.key}`;
      const head = m.statistic === "proportion" ? pct : y;
      aggregates.push(
        `CAST(SUM(${x}) AS ${f}) AS x_${m.key}_sum`,
        `CAST(SUM(${x} * ${x}) AS ${f}) AS x_${m.key}_sumsq`,
        `CAST(SUM(${x} * ${head}) AS ${f}) AS xy_${m.key}_sum`,
      );
    }
  }
  const segmentSelect = plan.segments.map((dim) => `,\n  v.seg_${dim} AS seg_${dim}`).join("");
  const groupBy = `GROUP BY ${["v.variant", ...plan.segments.map((dim) => `v.seg_${dim}`)].join(", ")}`;
  const sql = `WITH
${ctes.join(",\n")}
SELECT
  v.variant AS variant${segmentSelect},
  COUNT(*) AS users,
  (SELECT COUNT(*) FROM first_exposure WHERE several_variants) AS excluded_users${aggregates.length ? ",\n  " : ""}${aggregates.join(",\n  ")}
FROM ${valuesTable} v
${groupBy}
ORDER BY v.variant`;
  return { sql, params: p.values };
}
