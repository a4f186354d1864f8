import type { MetricDefinition } from "@/lib/metrics/define";
import type { Warehouse } from "@/lib/warehouse/types";
import type { AnalysisPlan } from "./sql/analysis-plan";
import { dayAfter } from "./sql/cohort-sql";
import { eventsPass, isEventMetric, sqlMetricSources } from "./sql/metric-sql";
import { ParamBinder } from "./sql/params";

export interface MetricCheckReport {
  metric: string;
  from: string;
  to: string;
  columns: { name: string; type: string }[];
  rows: number;
  distinctUsers: number;
  negativeCounts: number;
  badFlags: number;
  nullUsers: number;
  meanN: number | null;
  shareWithPct: number | null;
  problems: string[];
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|INT64|FLOAT64|NUMERIC)$/i;

/** The metric's own SELECT over a cohort of every user in the warehouse, for [from, to]. */
function standaloneSql(metric: MetricDefinition, from: string, to: string, wh: Warehouse) {
  const d = wh.dialect;
  const p = new ParamBinder(d);
  const plan: AnalysisPlan = {
    experimentKey: "",
    exposureTable: "exposures",
    variants: [],
    startDate: from,
    endDate: to,
    windowDays: null,
    metrics: [metric],
    covariateLookbackDays: 0,
    segments: [],
    segmentLimit: 0,
  };
  const cohort = `cohort AS (
  SELECT user_id, CAST(${p.bind("window_start", `${from} 00:00:00`)} AS TIMESTAMP) AS window_start,
         CAST(${p.bind("window_end", `${dayAfter(to)} 00:00:00`)} AS TIMESTAMP) AS window_end
  FROM ${d.table("users")}
)`;
  const source = isEventMetric(metric) ? eventsPass([metric], plan, d, p) : sqlMetricSources(metric, plan, d, p)[0];
  if (!source) throw new Error(`metric ${metric.key} produced no SQL`);
  return { ctes: `WITH ${cohort},\n${source.cte}`, alias: source.alias, params: p.values };
}

/** Runs one metric on the warehouse and checks the contract: columns, types, one row per user, no negatives. */
export async function checkMetric(metric: MetricDefinition, wh: Warehouse): Promise<MetricCheckReport> {
  const range = (await wh.query(`SELECT CAST(MIN(event_date) AS VARCHAR) AS lo, CAST(MAX(event_date) AS VARCHAR) AS hi FROM ${wh.dialect.table("events")}`)).rows[0];
  const to = String(range?.hi ?? "");
  const from = String(range?.lo ?? "");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) throw new Error("the events table is empty; run `npm run seed` first");
  const { ctes, alias, params } = standaloneSql(metric, from, to, wh);
  const n = `n_${metric.key}`;
  const pct = `pct_${metric.key}`;
  const described = await wh.query(`DESCRIBE ${ctes}\nSELECT * FROM ${alias}`, params);
  const columns = described.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const problems: string[] = [];
  const expected = ["user_id", n, pct];
  for (const name of expected) if (!columns.some((c) => c.name === name)) problems.push(`missing column ${name}`);
  for (const c of columns) {
    if (!expected.includes(c.name)) problems.push(`unexpected column ${c.name} (a metric returns exactly ${expected.join(", ")})`);
    else if (c.name !== "user_id" && !NUMERIC.test(c.type)) problems.push(`column ${c.name} is ${c.type}, expected a number`);
  }
  if (problems.length) return { metric: metric.key, from, to, columns, rows: 0, distinctUsers: 0, negativeCounts: 0, badFlags: 0, nullUsers: 0, meanN: null, shareWithPct: null, problems };

  const stats = (
    await wh.query(
      `${ctes}
SELECT COUNT(*) AS row_count, COUNT(DISTINCT user_id) AS distinct_users,
       SUM(CASE WHEN user_id IS NULL THEN 1 ELSE 0 END) AS null_users,
       SUM(CASE WHEN ${n} < 0 THEN 1 ELSE 0 END) AS negative_counts,
       SUM(CASE WHEN ${pct} NOT IN (0, 1) OR ${pct} IS NULL THEN 1 ELSE 0 END) AS bad_flags,
       AVG(CAST(${n} AS DOUBLE)) AS mean_n, AVG(CAST(${pct} AS DOUBLE)) AS share_pct
FROM ${alias}`,
      params,
    )
  ).rows[0] ?? {};
  const num = (k: string) => Number(stats[k] ?? 0);
  const report: MetricCheckReport = {
    metric: metric.key,
    from,
    to,
    columns,
    rows: num("row_count"),
    distinctUsers: num("distinct_users"),
    negativeCounts: num("negative_counts"),
    badFlags: num("bad_flags"),
    nullUsers: num("null_users"),
    meanN: stats.mean_n === null || stats.mean_n === undefined ? null : Number(stats.mean_n),
    shareWithPct: stats.share_pct === null || stats.share_pct === undefined ? null : Number(stats.share_pct),
    problems,
  };
  if (report.rows !== report.distinctUsers) problems.push(`${report.rows - report.distinctUsers} users appear on more than one row`);
  if (report.nullUsers > 0) problems.push(`${report.nullUsers} rows have no user_id`);
  if (report.negativeCounts > 0) problems.push(`${report.negativeCounts} rows have a negative ${n}`);
  if (report.badFlags > 0) problems.push(`${report.badFlags} rows have a ${pct} other than 0 or 1`);
  if (report.rows === 0) problems.push("the metric returned no rows at all over the whole warehouse");
  return report;
}
