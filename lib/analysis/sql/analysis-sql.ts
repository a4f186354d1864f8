import type { Dialect } from "@/lib/warehouse/dialect";
import type { SqlParams } from "@/lib/warehouse/types";
import type { AnalysisPlan } from "./analysis-plan";
import { cohortCtes } from "./cohort-sql";
import { eventsPass, isEventMetric, preCohortCte, sqlMetricSources, type MetricSource } from "./metric-sql";
import { ParamBinder } from "./params";

export interface AnalysisQuery {
  sql: string;
  params: SqlParams;
}

/**
 * The whole analysis as one statement: cohort ⟕ metrics, zero-filled, grouped by variant.
 * Only aggregates leave the warehouse: one row per variant (and per variant × segment value)
 * with users, Σy, Σy², Σpct (and Σx, Σx², Σxy for CUPED) per metric, plus the count of users
 * excluded for seeing several variants.
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

  const f = d.floatType;
  const aggregates: string[] = [];
  for (const m of plan.metrics) {
    const own = sources.find((s) => s.columns.has(m.key) && !s.alias.startsWith("mx_"));
    const cols = own?.columns.get(m.key);
    if (!own || !cols) throw new Error(`metric ${m.key} has no source`);
    const n = `COALESCE(${own.alias}.${cols.n}, 0)`;
    const pct = `COALESCE(${own.alias}.${cols.pct}, 0)`;
    aggregates.push(
      `CAST(SUM(${n}) AS ${f}) AS n_${m.key}_sum`,
      `CAST(SUM(${n} * ${n}) AS ${f}) AS n_${m.key}_sumsq`,
      `CAST(SUM(${pct}) AS ${f}) AS pct_${m.key}_sum`,
    );
    if (plan.covariateLookbackDays > 0) {
      const pre = sources.find((s) => s.alias === `mx_${m.key}`);
      const x = pre
        ? `COALESCE(${pre.alias}.${m.statistic === "proportion" ? cols.pct : cols.n}, 0)`
        : `COALESCE(${own.alias}.${cols.x}, 0)`;
      const y = m.statistic === "proportion" ? pct : n;
      aggregates.push(
        `CAST(SUM(${x}) AS ${f}) AS x_${m.key}_sum`,
        `CAST(SUM(${x} * ${x}) AS ${f}) AS x_${m.key}_sumsq`,
        `CAST(SUM(${x} * ${y}) AS ${f}) AS xy_${m.key}_sum`,
      );
    }
  }
  const joins = sources.map((s) => `LEFT JOIN ${s.alias} ON ${s.alias}.user_id = c.user_id`);
  // Segments: GROUPING SETS give the whole population and every slice from the same joined rows.
  // GROUPING(x) = 1 marks a row where x is rolled up, which tells "all users" from a NULL value.
  const segmentSelect = plan.segments.map((dim) => `,\n  c.seg_${dim} AS seg_${dim},\n  GROUPING(c.seg_${dim}) AS g_${dim}`).join("");
  const groupBy = plan.segments.length
    ? `GROUP BY GROUPING SETS ((c.variant), ${plan.segments.map((dim) => `(c.variant, c.seg_${dim})`).join(", ")})`
    : "GROUP BY c.variant";
  const sql = `WITH
${ctes.join(",\n")}
SELECT
  c.variant AS variant${segmentSelect},
  COUNT(*) AS users,
  (SELECT COUNT(*) FROM first_exposure WHERE variant_count > 1) AS excluded_users${aggregates.length ? ",\n  " : ""}${aggregates.join(",\n  ")}
FROM cohort c
${joins.join("\n")}
${groupBy}
ORDER BY c.variant`;
  return { sql, params: p.values };
}
