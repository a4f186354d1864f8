import { getMetric, getSource, sourceColumns, valueColumn, type MetricCatalog } from "@/lib/metrics/catalog";
import type { EventMetric, MetricDefinition, SourceDefinition, SqlMetric } from "@/lib/metrics/define";
import type { Warehouse } from "@/lib/warehouse/types";
import type { AnalysisPlan } from "./analysis-plan";
import { dayAfter } from "./statements/cohort";
import { col } from "./statements/columns";
import { ParamBinder } from "./statements/params";
import { perUserFragment, rowCondition, sourceDateRange } from "./statements/per-user";
import { sqlMetricColumns, sqlMetricRelations } from "./statements/sql-metric";

/**
 * `npm run metric:check`: runs one metric over every user of the embedded warehouse (each user's
 * window is the whole date range of the metric's source) and checks what a metric must deliver.
 * When a metric finds nothing it says what does exist: the event names (or the source's columns)
 * with their counts, so a typo is a look away.
 */
export interface MetricCheckReport {
  metric: string;
  kind: "declarative" | "free SQL" | "ratio";
  source: string;
  from: string;
  to: string;
  /** free SQL: the columns its query returns */
  columns: { name: string; type: string }[];
  /** rows of the per-user relation: users with at least one row */
  rows: number;
  distinctUsers: number;
  negativeCounts: number;
  badFlags: number;
  nullUsers: number;
  /** mean per-user value over those users, and the share with a qualifying row */
  meanN: number | null;
  shareWithPct: number | null;
  /** quantile metrics: the quantile over all of those users (or rows) */
  quantile: number | null;
  /** ratio metrics: Σ numerator / Σ denominator, and each part's own report */
  ratio: number | null;
  parts: MetricCheckReport[];
  /** what exists when the metric finds nothing: event names or columns with their counts */
  available: { what: "event names" | "columns"; items: { name: string; count: number }[] } | null;
  problems: string[];
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|INT64|FLOAT64|NUMERIC)$/i;
const TYPES: Record<string, RegExp> = {
  number: NUMERIC,
  string: /^(VARCHAR|STRING|TEXT|CHAR.*|ENUM.*)$/i,
  boolean: /^(BOOLEAN|BOOL)$/i,
  timestamp: /^(TIMESTAMP.*|DATETIME)$/i,
  date: /^DATE$/i,
};

function emptyReport(metric: string, kind: MetricCheckReport["kind"], source: string): MetricCheckReport {
  return {
    metric, kind, source, from: "", to: "", columns: [], rows: 0, distinctUsers: 0, negativeCounts: 0, badFlags: 0, nullUsers: 0,
    meanN: null, shareWithPct: null, quantile: null, ratio: null, parts: [], available: null, problems: [],
  };
}

const numberOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The source table's columns as the warehouse has them; problems for declared ones it lacks. */
async function sourceProblems(source: SourceDefinition, wh: Warehouse): Promise<{ columns: Map<string, string>; problems: string[] }> {
  let described;
  try {
    described = await wh.query(`DESCRIBE SELECT * FROM ${wh.dialect.table(source.table)}`);
  } catch (err) {
    return { columns: new Map(), problems: [`source ${source.key}: cannot read table ${source.table}: ${(err as Error).message.split("\n")[0]}`] };
  }
  const columns = new Map(described.rows.map((r) => [String(r.column_name), String(r.column_type)]));
  const listed = [...columns].map(([c, t]) => `${c} ${t}`).join(", ");
  const problems: string[] = [];
  const structural: [string, string, string][] = [
    ["userId", source.userId, ""],
    ["timestamp", source.timestamp, "timestamp"],
    ["date", source.date, "date"],
  ];
  if (source.eventName) structural.push(["eventName", source.eventName, "string"]);
  const expected = [...structural, ...Object.entries(sourceColumns(source)).map(([c, t]): [string, string, string] => [`columns.${c}`, c, t])];
  for (const [field, column, type] of expected) {
    const actual = columns.get(column);
    if (!actual) problems.push(`source ${source.key}: ${field}: table ${source.table} has no column "${column}"; it has ${listed}`);
    else if (type && TYPES[type] && !TYPES[type]!.test(actual)) problems.push(`source ${source.key}: ${field}: column "${column}" is ${actual}, declared ${type}`);
  }
  return { columns, problems };
}

async function dateRange(source: SourceDefinition, wh: Warehouse): Promise<{ from: string; to: string } | null> {
  const r = (
    await wh.query(`SELECT CAST(MIN(${source.date}) AS VARCHAR) AS lo, CAST(MAX(${source.date}) AS VARCHAR) AS hi FROM ${wh.dialect.table(source.table)}`)
  ).rows[0];
  const from = String(r?.lo ?? "");
  const to = String(r?.hi ?? "");
  return /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) ? { from, to } : null;
}

function checkPlan(metric: MetricDefinition, catalog: MetricCatalog, from: string, to: string): AnalysisPlan {
  return {
    experimentKey: "", exposureTable: "exposures", variants: [], startDate: from, endDate: to, windowDays: null,
    metrics: [metric], catalog, covariateLookbackDays: 0, segments: [], segmentLimit: 0,
  };
}

/** Every user of the warehouse, each measured over the whole range [from, to]. */
function cohortCte(from: string, to: string, wh: Warehouse, p: ParamBinder): string {
  return `check_cohort AS (
  SELECT user_id, CAST(${p.bind("window_start", `${from} 00:00:00`)} AS TIMESTAMP) AS window_start,
         CAST(${p.bind("window_end", `${dayAfter(to)} 00:00:00`)} AS TIMESTAMP) AS window_end
  FROM ${wh.dialect.table("users")}
)`;
}

/** What a metric that found nothing could have found: event names, or the source's columns, with counts. */
async function available(m: EventMetric, source: SourceDefinition, plan: AnalysisPlan, wh: Warehouse): Promise<MetricCheckReport["available"]> {
  const p = new ParamBinder(wh.dialect);
  const range = sourceDateRange("s", source, plan, p, 0);
  if (source.eventName) {
    const rows = (
      await wh.query(
        `SELECT CAST(s.${source.eventName} AS VARCHAR) AS name, COUNT(*) AS n FROM ${wh.dialect.table(source.table)} s WHERE ${range} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50`,
        p.values,
      )
    ).rows;
    return { what: "event names", items: rows.map((r) => ({ name: String(r.name), count: Number(r.n) })) };
  }
  const cols = Object.keys(sourceColumns(source));
  const row = (
    await wh.query(
      `SELECT COUNT(*) AS all_rows${cols.map((c, i) => `, COUNT(s.${c}) AS c${i}`).join("")} FROM ${wh.dialect.table(source.table)} s WHERE ${range}`,
      p.values,
    )
  ).rows[0] ?? {};
  return {
    what: "columns",
    items: [{ name: "(rows)", count: Number(row.all_rows ?? 0) }, ...cols.map((c, i) => ({ name: `${c} (non-null)`, count: Number(row[`c${i}`] ?? 0) }))],
  };
}

async function checkDeclarative(m: EventMetric, catalog: MetricCatalog, wh: Warehouse): Promise<MetricCheckReport> {
  const source = getSource(catalog, m.source);
  const report = emptyReport(m.key, "declarative", source.key);
  const structure = await sourceProblems(source, wh);
  report.problems.push(...structure.problems);
  if (structure.problems.length) return report;
  const range = await dateRange(source, wh);
  if (!range) {
    report.problems.push(`table ${source.table} is empty; run \`npm run seed\` first`);
    return report;
  }
  Object.assign(report, range);
  const plan = checkPlan(m, catalog, range.from, range.to);
  const p = new ParamBinder(wh.dialect);
  const cohort = cohortCte(range.from, range.to, wh, p);
  const asUsers = m.statistic === "quantile" && m.level === "event" ? { ...m, statistic: "mean" as const, level: undefined, quantile: undefined } : m;
  const fragment = perUserFragment(source, [asUsers as EventMetric], plan, wh.dialect, p, { cohort: "check_cohort", covariates: false });
  const value = col.metric(m.key, "value");
  const hit = col.metric(m.key, "hit");
  const stats = (
    await wh.query(
      `WITH ${cohort},\n${fragment.ctes.join(",\n")}
SELECT COUNT(*) AS row_count, COUNT(DISTINCT user_id) AS distinct_users,
       SUM(CASE WHEN user_id IS NULL THEN 1 ELSE 0 END) AS null_users,
       SUM(CASE WHEN ${value} < 0 THEN 1 ELSE 0 END) AS negative_counts,
       AVG(CAST(${value} AS DOUBLE)) AS mean_n, AVG(CAST(${hit} AS DOUBLE)) AS share_pct
FROM ${fragment.relation}`,
      p.values,
    )
  ).rows[0] ?? {};
  report.rows = Number(stats.row_count ?? 0);
  report.distinctUsers = Number(stats.distinct_users ?? 0);
  report.nullUsers = Number(stats.null_users ?? 0);
  report.negativeCounts = Number(stats.negative_counts ?? 0);
  report.meanN = numberOrNull(stats.mean_n);
  report.shareWithPct = numberOrNull(stats.share_pct);
  const hits = Math.round((report.shareWithPct ?? 0) * report.rows);
  if (m.statistic === "quantile" && m.quantile !== undefined && hits > 0) {
    const q = new ParamBinder(wh.dialect);
    const level = q.bind("level", m.quantile);
    let sql: string;
    if (m.level === "event") {
      const rows = rowCondition(m, source, "s", q);
      sql = `SELECT quantile_disc(CAST(s.${valueColumn(m, source)} AS DOUBLE), CAST(${level} AS DOUBLE)) AS q FROM ${wh.dialect.table(source.table)} s
WHERE ${sourceDateRange("s", source, plan, q, 0)}${rows ? ` AND ${rows}` : ""}`;
    } else {
      const c = cohortCte(range.from, range.to, wh, q);
      const f = perUserFragment(source, [m], plan, wh.dialect, q, { cohort: "check_cohort", covariates: false });
      sql = `WITH ${c},\n${f.ctes.join(",\n")}
SELECT quantile_disc(CAST(COALESCE(pu.${value}, 0) AS DOUBLE), CAST(${level} AS DOUBLE)) AS q
FROM check_cohort c LEFT JOIN ${f.relation} pu ON pu.user_id = c.user_id${m.ignoreZeros ? ` WHERE COALESCE(pu.${value}, 0) <> 0` : ""}`;
    }
    report.quantile = numberOrNull((await wh.query(sql, q.values)).rows[0]?.q);
  }
  if (report.rows !== report.distinctUsers) report.problems.push(`${report.rows - report.distinctUsers} users appear on more than one row`);
  if (report.nullUsers > 0) report.problems.push(`${report.nullUsers} rows have no user id`);
  if (report.negativeCounts > 0) report.problems.push(`${report.negativeCounts} users have a negative value`);
  if (hits === 0) {
    report.problems.push(`the metric found no rows in ${source.table} from ${range.from} to ${range.to}`);
    report.available = await available(m, source, plan, wh);
  }
  return report;
}

async function checkSql(m: SqlMetric, catalog: MetricCatalog, wh: Warehouse): Promise<MetricCheckReport> {
  const report = emptyReport(m.key, "free SQL", "events");
  const range = await dateRange(getSource(catalog, "events"), wh);
  if (!range) {
    report.problems.push("the events table is empty; run `npm run seed` first");
    return report;
  }
  Object.assign(report, range);
  const plan = checkPlan(m, catalog, range.from, range.to);
  const p = new ParamBinder(wh.dialect);
  const cohort = cohortCte(range.from, range.to, wh, p);
  const rel = sqlMetricRelations(m, plan, wh.dialect, p, { cohort: "check_cohort", covariates: false });
  const ctes = `WITH ${cohort},\n${rel.ctes.join(",\n")}`;
  const { n, pct } = sqlMetricColumns(m);
  const described = await wh.query(`DESCRIBE ${ctes}\nSELECT * FROM ${rel.main}`, p.values);
  report.columns = described.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const expected = ["user_id", n, pct];
  for (const name of expected) if (!report.columns.some((c) => c.name === name)) report.problems.push(`missing column ${name}`);
  for (const c of report.columns) {
    if (!expected.includes(c.name)) report.problems.push(`unexpected column ${c.name} (a metric returns exactly ${expected.join(", ")})`);
    else if (c.name !== "user_id" && !NUMERIC.test(c.type)) report.problems.push(`column ${c.name} is ${c.type}, expected a number`);
  }
  if (report.problems.length) return report;
  const stats = (
    await wh.query(
      `${ctes}
SELECT COUNT(*) AS row_count, COUNT(DISTINCT user_id) AS distinct_users,
       SUM(CASE WHEN user_id IS NULL THEN 1 ELSE 0 END) AS null_users,
       SUM(CASE WHEN ${n} < 0 THEN 1 ELSE 0 END) AS negative_counts,
       SUM(CASE WHEN ${pct} NOT IN (0, 1) OR ${pct} IS NULL THEN 1 ELSE 0 END) AS bad_flags,
       AVG(CAST(${n} AS DOUBLE)) AS mean_n, AVG(CAST(${pct} AS DOUBLE)) AS share_pct
FROM ${rel.main}`,
      p.values,
    )
  ).rows[0] ?? {};
  report.rows = Number(stats.row_count ?? 0);
  report.distinctUsers = Number(stats.distinct_users ?? 0);
  report.nullUsers = Number(stats.null_users ?? 0);
  report.negativeCounts = Number(stats.negative_counts ?? 0);
  report.badFlags = Number(stats.bad_flags ?? 0);
  report.meanN = numberOrNull(stats.mean_n);
  report.shareWithPct = numberOrNull(stats.share_pct);
  if (report.rows !== report.distinctUsers) report.problems.push(`${report.rows - report.distinctUsers} users appear on more than one row`);
  if (report.nullUsers > 0) report.problems.push(`${report.nullUsers} rows have no user_id`);
  if (report.negativeCounts > 0) report.problems.push(`${report.negativeCounts} rows have a negative ${n}`);
  if (report.badFlags > 0) report.problems.push(`${report.badFlags} rows have a ${pct} other than 0 or 1`);
  if (report.rows === 0) report.problems.push("the metric returned no rows at all over the whole warehouse");
  return report;
}

/** Runs one metric on the warehouse and checks it: columns, types, one row per user, rows found. */
export async function checkMetric(metric: MetricDefinition, catalog: MetricCatalog, wh: Warehouse): Promise<MetricCheckReport> {
  if (metric.kind === "events") return checkDeclarative(metric, catalog, wh);
  if (metric.kind === "sql") return checkSql(metric, catalog, wh);
  const parts = [await checkMetric(getMetric(catalog, metric.numerator), catalog, wh), await checkMetric(getMetric(catalog, metric.denominator), catalog, wh)];
  const report = emptyReport(metric.key, "ratio", parts.map((x) => x.source).join(" / "));
  report.parts = parts;
  report.from = parts[0]!.from;
  report.to = parts[0]!.to;
  for (const [i, part] of parts.entries()) for (const problem of part.problems) report.problems.push(`${i === 0 ? "numerator" : "denominator"} ${part.metric}: ${problem}`);
  const [num, den] = parts.map((x) => (x.meanN === null ? null : x.meanN * x.rows));
  report.ratio = num !== null && num !== undefined && den ? num / den : null;
  return report;
}
