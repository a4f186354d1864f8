import { differenceInCalendarDays, parseISO } from "date-fns";
import type { EventMetric, MetricContext, MetricDefinition, SqlMetric } from "@/lib/metrics/define";
import type { Dialect } from "@/lib/warehouse/dialect";
import type { AnalysisPlan } from "./analysis-plan";
import { daysBefore } from "./cohort-sql";
import type { ParamBinder } from "./params";

/** A CTE that yields per-user metric columns, and how to read each metric's values from it. */
export interface MetricSource {
  cte: string;
  alias: string;
  /** per metric key: column names for y (n and pct) and, with CUPED, the covariate x */
  columns: Map<string, { n: string; pct: string; x?: string }>;
}

/** Events-date predicate covering the covariate lookback and every metric window (partition pruning). */
export function eventDateRange(alias: string, plan: AnalysisPlan, p: ParamBinder): string {
  const from = p.bind("events_from", daysBefore(plan.startDate, plan.covariateLookbackDays));
  const to = p.bind("events_to", plan.endDate);
  return `${alias}.event_date BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE)`;
}

/** A readable parameter name for an event name, e.g. "event_purchase". */
export function eventStem(event: string): string {
  const clean = event.toLowerCase().replace(/[^a-z0-9_]+/g, "_").slice(0, 40);
  return /^[a-z_]/.test(clean) ? `event_${clean}` : "event";
}

export function eventFilter(m: EventMetric, p: ParamBinder): string {
  const names = m.events.map((e) => p.bind(eventStem(e), e));
  return names.length === 1 ? `e.event_name = ${names[0]}` : `e.event_name IN (${names.join(", ")})`;
}

/** Days in one bitmask word: bits 0–61 of a signed 64-bit integer, clear of the sign bit. */
const DAYS_PER_WORD = 62;

/**
 * Distinct calendar days with a matching event, as an aggregate that stays cheap per user: each
 * event sets the bit of its day (counted from the scan's first date) in a 64-bit word, BIT_OR
 * merges them, BIT_COUNT counts them. A COUNT(DISTINCT event_date) per user would keep a hash
 * set per user in the analysis' heaviest GROUP BY; one word covers 62 days, longer scans use more.
 */
function distinctDays(condition: string, plan: AnalysisPlan, d: Dialect, p: ParamBinder): string {
  const from = p.bind("events_from", daysBefore(plan.startDate, plan.covariateLookbackDays));
  const dayIndex = d.daysBetweenDates("e.event_date", `CAST(${from} AS DATE)`);
  const span = differenceInCalendarDays(parseISO(plan.endDate), parseISO(plan.startDate)) + 1 + plan.covariateLookbackDays;
  const words = Array.from({ length: Math.ceil(span / DAYS_PER_WORD) }, (_, w) => {
    const first = w * DAYS_PER_WORD;
    const inWord = span <= DAYS_PER_WORD ? "" : ` AND ${dayIndex} BETWEEN ${first} AND ${first + DAYS_PER_WORD - 1}`;
    // 2^k rather than 1 << k: exact in a double up to 2^61, and the BigQuery grammar we test against lacks <<
    const bit = `CAST(POWER(2, ${first === 0 ? dayIndex : `${dayIndex} - ${first}`}) AS ${d.intType})`;
    // each count cast before adding: DuckDB's BIT_COUNT is a TINYINT, which three words' days overflow
    return `CAST(BIT_COUNT(COALESCE(BIT_OR(CASE WHEN ${condition}${inWord} THEN ${bit} END), 0)) AS ${d.intType})`;
  });
  return words.length === 1 ? words[0]! : `(${words.join(" + ")})`;
}

/**
 * One scan of `events` for every declarative metric, with the pre-exposure covariate in the same
 * pass (the scan starts `lookback` days before exposure).
 *
 * Per user it counts events (and sums their value, or counts their distinct days, where a metric
 * asks) once per distinct event list and phase (after / before exposure), and derives each metric
 * from those: n is the count, the sum or the days, pct is count > 0. So metrics over the same
 * events share aggregates (purchases and revenue), and COUNT keeps the per-user state small: the
 * per-user GROUP BY is the heaviest step of the analysis, its cost grows with the number of aggregates.
 */
export function eventsPass(metrics: EventMetric[], plan: AnalysisPlan, d: Dialect, p: ParamBinder): MetricSource | null {
  if (metrics.length === 0) return null;
  const lookback = plan.covariateLookbackDays;
  const phases = [{ prefix: "post", test: "e.event_time >= c.window_start" }];
  if (lookback > 0) phases.push({ prefix: "pre", test: "e.event_time < c.window_start" });

  // one group of aggregates per distinct event list, named after the first metric that uses it
  const groups = new Map<string, { stem: string; filter: string; sum: boolean; days: boolean }>();
  const groupOf = (m: EventMetric) => {
    const id = [...new Set(m.events)].sort().join("\u0000");
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { stem: m.key, filter: eventFilter(m, p), sum: false, days: false }));
    if (m.aggregate === "sum") g.sum = true;
    if (m.aggregate === "days") g.days = true;
    return g;
  };
  const perUser: string[] = [];
  const columns: MetricSource["columns"] = new Map();
  const selects: string[] = [];
  for (const m of metrics) {
    const g = groupOf(m);
    const amount = (phase: string) => `${phase}_${m.aggregate === "count" ? "count" : m.aggregate === "sum" ? "value" : "days"}_${g.stem}`;
    const any = (phase: string) => `CASE WHEN ${phase}_count_${g.stem} > 0 THEN 1 ELSE 0 END`;
    selects.push(`${amount("post")} AS n_${m.key}`, `${any("post")} AS pct_${m.key}`);
    const cols: { n: string; pct: string; x?: string } = { n: `n_${m.key}`, pct: `pct_${m.key}` };
    if (lookback > 0) {
      selects.push(`${m.statistic === "proportion" ? any("pre") : amount("pre")} AS x_${m.key}`);
      cols.x = `x_${m.key}`;
    }
    columns.set(m.key, cols);
  }
  for (const g of groups.values()) {
    for (const phase of phases) {
      const when = `${g.filter} AND ${phase.test}`;
      perUser.push(`COUNT(CASE WHEN ${when} THEN 1 END) AS ${phase.prefix}_count_${g.stem}`);
      if (g.sum) perUser.push(`SUM(CASE WHEN ${when} THEN COALESCE(e.value, 0) ELSE 0 END) AS ${phase.prefix}_value_${g.stem}`);
      if (g.days) perUser.push(`${distinctDays(when, plan, d, p)} AS ${phase.prefix}_days_${g.stem}`);
    }
  }
  const allEvents = [...new Set(metrics.flatMap((m) => m.events))];
  const names = allEvents.map((e) => p.bind(eventStem(e), e)).join(", ");
  const scanFrom =
    lookback > 0 ? d.addDays("c.window_start", `-${p.bind("lookback_days", lookback)}`) : "c.window_start";
  const cte = `events_pass AS (
  SELECT
    user_id,
    ${selects.join(",\n    ")}
  FROM (
    -- per user: one count (and value sum, or distinct days) per event list and phase, shared by the metrics above
    SELECT
      c.user_id,
      ${perUser.join(",\n      ")}
    FROM cohort c
    JOIN ${d.table("events")} e ON e.user_id = c.user_id
    WHERE ${eventDateRange("e", plan, p)}
      AND e.event_name IN (${names})
      AND e.event_time >= ${scanFrom}
      AND e.event_time < c.window_end
    GROUP BY c.user_id
  ) per_user
)`;
  return { cte, alias: "events_pass", columns };
}

function sqlContext(cohort: string, plan: AnalysisPlan, d: Dialect, p: ParamBinder): MetricContext {
  return {
    cohort,
    table: (name) => d.table(name),
    param: (value) => p.bind("metric_param", value),
    eventDateRange: (alias) => eventDateRange(alias, plan, p),
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

/** A free-SQL metric is its own CTE (and one more over the pre-exposure window for CUPED). */
export function sqlMetricSources(m: SqlMetric, plan: AnalysisPlan, d: Dialect, p: ParamBinder): MetricSource[] {
  const main: MetricSource = {
    cte: `m_${m.key} AS (${m.sql(sqlContext("cohort", plan, d, p))}\n)`,
    alias: `m_${m.key}`,
    columns: new Map([[m.key, { n: `n_${m.key}`, pct: `pct_${m.key}` }]]),
  };
  if (plan.covariateLookbackDays <= 0) return [main];
  const pre: MetricSource = {
    cte: `mx_${m.key} AS (${m.sql(sqlContext("cohort_pre", plan, d, p))}\n)`,
    alias: `mx_${m.key}`,
    columns: new Map([[m.key, { n: `n_${m.key}`, pct: `pct_${m.key}` }]]),
  };
  return [main, pre];
}

export function isEventMetric(m: MetricDefinition): m is EventMetric {
  return m.kind === "events";
}
