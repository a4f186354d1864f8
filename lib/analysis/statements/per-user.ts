import { differenceInCalendarDays, parseISO } from "date-fns";
import { sourceColumns, valueColumn } from "@/lib/metrics/catalog";
import type { EventMetric, Filter, MetricWindow, SourceDefinition } from "@/lib/metrics/define";
import { assertIdentifier, type Dialect } from "@/lib/warehouse/dialect";
import type { AnalysisPlan } from "../analysis-plan";
import { daysBefore } from "./cohort";
import { col } from "./columns";
import type { ParamBinder } from "./params";

/**
 * The per-user computation of one source: the cohort joined to ONE scan of the source, restricted
 * to its partition range, giving per user every declarative metric of that source (count, sum or
 * distinct days of the rows each metric selects, in its window) and, for CUPED, the same over the
 * pre-exposure lookback, in the same pass. This fragment is what the aggregates statement, the
 * user-level quantile statement and metric:check build on (and what incremental refresh keeps).
 *
 * Its relation has one row per cohort user with at least one row in the scan, and per metric the
 * columns col.metric(key, "value" | "hit" | "pre_value" | "pre_hit"); users without rows are
 * zero-filled by whoever LEFT JOINs it to the cohort.
 */
export interface PerUserFragment {
  ctes: string[];
  relation: string;
}

/** A metric's window in whole hours after exposure: [from, to), `to` null = to the end of the user's window. */
export function windowHours(w: MetricWindow | undefined): { from: number; to: number | null } {
  if (!w) return { from: 0, to: null };
  if (w.fromHours !== undefined || w.toHours !== undefined) return { from: w.fromHours ?? 0, to: w.toHours ?? null };
  return { from: (w.fromDay ?? 0) * 24, to: w.toDay === undefined ? null : w.toDay * 24 };
}

/** Whether a metric leaves out users whose window has not ended (it has a `to` bound). */
export function isWindowed(m: EventMetric): boolean {
  return windowHours(m.window).to !== null;
}

/**
 * 1 when the user's metric window [exposure + from, exposure + to) lies inside what was observed
 * for them (up to their window_end), else 0; null for metrics without a `to` bound (always 1).
 */
export function eligibleExpression(m: EventMetric, cohortAlias: string, d: Dialect, p: ParamBinder): string | null {
  const { to } = windowHours(m.window);
  if (to === null) return null;
  const end = d.addHours(`${cohortAlias}.window_start`, p.bind("window_to_hours", to));
  return `CASE WHEN ${end} <= ${cohortAlias}.window_end THEN 1 ELSE 0 END`;
}

/** Date predicate on a source's partition column covering the covariate lookback and every metric window. */
export function sourceDateRange(alias: string, source: SourceDefinition, plan: AnalysisPlan, p: ParamBinder, lookbackDays = plan.covariateLookbackDays): string {
  const stem = source.key === "events" ? "events" : source.key;
  const from = p.bind(`${stem}_from`, daysBefore(plan.startDate, lookbackDays));
  const to = p.bind(`${stem}_to`, plan.endDate);
  return `${alias}.${assertIdentifier(source.date, "date column")} BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE)`;
}

/** A readable parameter name for an event name, e.g. "event_purchase". */
export function eventStem(event: string): string {
  const clean = event.toLowerCase().replace(/[^a-z0-9_]+/g, "_").slice(0, 40);
  return /^[a-z_]/.test(clean) ? `event_${clean}` : "event";
}

function eventCondition(events: readonly string[], source: SourceDefinition, alias: string, p: ParamBinder): string {
  const column = `${alias}.${assertIdentifier(source.eventName ?? "", "event-name column")}`;
  const names = [...new Set(events)].map((e) => p.bind(eventStem(e), e));
  return names.length === 1 ? `${column} = ${names[0]}` : `${column} IN (${names.join(", ")})`;
}

const SQL_OP: Record<string, string> = { "=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=" };

function filterCondition(f: Filter, source: SourceDefinition, alias: string, p: ParamBinder): string {
  if (!(f.column in sourceColumns(source))) throw new Error(`source ${source.key} has no column ${f.column}`);
  const column = `${alias}.${assertIdentifier(f.column, "column")}`;
  const stem = `where_${f.column}`.toLowerCase().slice(0, 40);
  if (f.op === "is null") return `${column} IS NULL`;
  if (f.op === "is not null") return `${column} IS NOT NULL`;
  if (f.op === "in" || f.op === "not in") {
    const values = (Array.isArray(f.value) ? f.value : [f.value]).map((v) => p.bind(stem, v as string | number | boolean));
    return `${column} ${f.op === "in" ? "IN" : "NOT IN"} (${values.join(", ")})`;
  }
  return `${column} ${SQL_OP[f.op]} ${p.bind(stem, f.value as string | number | boolean)}`;
}

/** The row-level condition a metric selects by (events, filters; not the window), or "" for every row. */
export function rowCondition(m: EventMetric, source: SourceDefinition, alias: string, p: ParamBinder): string {
  const parts: string[] = [];
  if (m.events) parts.push(eventCondition(m.events, source, alias, p));
  for (const f of m.where ?? []) parts.push(filterCondition(f, source, alias, p));
  return parts.join(" AND ");
}

/** The condition that a row lies in the metric's window after the user's exposure. */
export function windowCondition(m: EventMetric, source: SourceDefinition, rowAlias: string, cohortAlias: string, d: Dialect, p: ParamBinder): string {
  const ts = `${rowAlias}.${assertIdentifier(source.timestamp, "timestamp column")}`;
  const { from, to } = windowHours(m.window);
  const start = from > 0 ? d.addHours(`${cohortAlias}.window_start`, p.bind("window_from_hours", from)) : `${cohortAlias}.window_start`;
  const parts = [`${ts} >= ${start}`];
  if (to !== null) parts.push(`${ts} < ${d.addHours(`${cohortAlias}.window_start`, p.bind("window_to_hours", to))}`);
  return parts.join(" AND ");
}

/** Days in one bitmask word: bits 0–61 of a signed 64-bit integer, clear of the sign bit. */
const DAYS_PER_WORD = 62;

/**
 * Distinct calendar days with a matching row, as an aggregate that stays cheap per user: each
 * row sets the bit of its day (counted from the scan's first date) in a 64-bit word, BIT_OR
 * merges them, BIT_COUNT counts them. A COUNT(DISTINCT date) per user would keep a hash set per
 * user in the analysis' heaviest GROUP BY; one word covers 62 days, longer scans use more.
 */
function distinctDays(condition: string, source: SourceDefinition, alias: string, plan: AnalysisPlan, d: Dialect, p: ParamBinder): string {
  const stem = source.key === "events" ? "events" : source.key;
  const from = p.bind(`${stem}_from`, daysBefore(plan.startDate, plan.covariateLookbackDays));
  const dayIndex = d.daysBetweenDates(`${alias}.${source.date}`, `CAST(${from} AS DATE)`);
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

/** Identifies metrics that select the same rows in the same window, so they share aggregates. */
function selectionId(m: EventMetric): string {
  return JSON.stringify({
    events: m.events ? [...new Set(m.events)].sort() : null,
    where: (m.where ?? []).map((f) => [f.column, f.op, f.value ?? null]),
    window: windowHours(m.window),
  });
}

export function relationName(source: SourceDefinition): string {
  return `per_user_${source.key}`;
}

/**
 * The fragment for `metrics` (all declarative, all on `source`), over the cohort relation
 * `cohort` (user_id, window_start, window_end). Per user it computes one count (and a sum per
 * summed column, or distinct days, where a metric asks) per distinct selection and phase, and
 * derives each metric from those: so metrics over the same rows share aggregates (purchases and
 * revenue), which keeps the per-user state small: that GROUP BY is the heaviest step.
 */
export function perUserFragment(
  source: SourceDefinition,
  metrics: readonly EventMetric[],
  plan: AnalysisPlan,
  d: Dialect,
  p: ParamBinder,
  { cohort = "cohort", covariates = plan.covariateLookbackDays > 0 }: { cohort?: string; covariates?: boolean } = {},
): PerUserFragment {
  const lookback = plan.covariateLookbackDays;
  const s = "s"; // the source's alias
  const userId = `${s}.${assertIdentifier(source.userId, "user id column")}`;
  const ts = `${s}.${assertIdentifier(source.timestamp, "timestamp column")}`;

  interface Selection {
    stem: string;
    rows: string;
    window: string;
    sums: Set<string>;
    days: boolean;
  }
  const selections = new Map<string, Selection>();
  const selectionOf = (m: EventMetric) => {
    const id = selectionId(m);
    let g = selections.get(id);
    if (!g) {
      g = { stem: m.key, rows: rowCondition(m, source, s, p), window: windowCondition(m, source, s, "c", d, p), sums: new Set(), days: false };
      selections.set(id, g);
    }
    if (m.aggregate === "sum") g.sums.add(valueColumn(m, source)!);
    if (m.aggregate === "days") g.days = true;
    return g;
  };
  const phases = [{ name: "post", test: (g: Selection) => g.window }];
  if (covariates && lookback > 0) phases.push({ name: "pre", test: () => `${ts} < c.window_start` });
  const aggName = (phase: string, what: string, g: Selection) => `${phase}_${what}_${g.stem}`;

  const derived: string[] = [];
  for (const m of metrics) {
    const g = selectionOf(m);
    const amount = (phase: string) =>
      m.aggregate === "count" ? aggName(phase, "count", g) : m.aggregate === "sum" ? aggName(phase, `sum_${valueColumn(m, source)}`, g) : aggName(phase, "days", g);
    const any = (phase: string) => `CASE WHEN ${aggName(phase, "count", g)} > 0 THEN 1 ELSE 0 END`;
    derived.push(`${amount("post")} AS ${col.metric(m.key, "value")}`, `${any("post")} AS ${col.metric(m.key, "hit")}`);
    if (phases.length > 1) derived.push(`${amount("pre")} AS ${col.metric(m.key, "pre_value")}`, `${any("pre")} AS ${col.metric(m.key, "pre_hit")}`);
  }
  const perUser: string[] = [];
  for (const g of selections.values()) {
    for (const phase of phases) {
      const when = [g.rows, phase.test(g)].filter(Boolean).join(" AND ");
      perUser.push(`COUNT(CASE WHEN ${when} THEN 1 END) AS ${aggName(phase.name, "count", g)}`);
      for (const column of g.sums) {
        perUser.push(`SUM(CASE WHEN ${when} THEN COALESCE(${s}.${assertIdentifier(column, "column")}, 0) ELSE 0 END) AS ${aggName(phase.name, `sum_${column}`, g)}`);
      }
      if (g.days) perUser.push(`${distinctDays(when, source, s, plan, d, p)} AS ${aggName(phase.name, "days", g)}`);
    }
  }
  // rows of no metric are skipped in the scan itself when every metric names its events
  const everyEvent = metrics.every((m) => m.events) ? [...new Set(metrics.flatMap((m) => m.events ?? []))] : null;
  const scanFrom = phases.length > 1 ? d.addDays("c.window_start", `-${p.bind("lookback_days", lookback)}`) : "c.window_start";
  const relation = relationName(source);
  const cte = `${relation} AS (
  SELECT
    user_id,
    ${derived.join(",\n    ")}
  FROM (
    -- per user: one count (and sum, or distinct days) per selection of rows and phase, shared by the metrics above
    SELECT
      c.user_id,
      ${perUser.join(",\n      ")}
    FROM ${cohort} c
    JOIN ${d.table(source.table)} ${s} ON ${userId} = c.user_id
    WHERE ${sourceDateRange(s, source, plan, p, phases.length > 1 ? lookback : 0)}${everyEvent && source.eventName ? `
      AND ${eventCondition(everyEvent, source, s, p)}` : ""}
      AND ${ts} >= ${scanFrom}
      AND ${ts} < c.window_end
    GROUP BY c.user_id
  ) per_user
)`;
  return { ctes: [cte], relation };
}
