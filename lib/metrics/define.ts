import type { SqlValue } from "../warehouse/types";

/**
 * The metric-definition API: everything a file under metrics/ may use.
 *
 * A metric measures each user of a cohort inside that user's own window and yields
 * `user_id`, `n_<key>` (events, summed value or active days, per user) and `pct_<key>` (1 if the user did it).
 */

export type MetricStatistic = "mean" | "proportion";

/** One tail of winsorization: a fixed value, or a percentile (0–1) of users' non-zero values. */
export interface Cap {
  type: "absolute" | "percentile";
  value: number;
}

export interface MetricBase {
  /** lower_snake_case; becomes the column suffix, so it must be a plain identifier */
  key: string;
  name: string;
  description: string;
  /** which of the two per-user values the results lead with */
  statistic: MetricStatistic;
  unit?: "count" | "currency" | "days";
  /** false for metrics where a decrease is good (e.g. errors) */
  higherIsBetter?: boolean;
  /** winsorize per-user values of mean metrics, computed in the warehouse */
  capping?: { upper?: Cap; lower?: Cap };
}

/** Declarative: the engine fuses every such metric over the same table into one scan. */
export interface EventMetric extends MetricBase {
  kind: "events";
  /** event_name value(s) that count */
  events: string[];
  /** count the events, sum their `value` column, or count the distinct calendar days with one */
  aggregate: "count" | "sum" | "days";
}

/** What free-SQL metrics get to build their query with. */
export interface MetricContext {
  /** relation with user_id, window_start, window_end (timestamps): whom to measure, and when */
  cohort: string;
  /** a warehouse table, fully qualified for the engine */
  table(name: "events" | "users" | "exposures"): string;
  /** binds a value as a query parameter and returns its placeholder */
  param(value: SqlValue): string;
  /** predicate on the given alias's event_date that covers every window (partition pruning) */
  eventDateRange(alias: string): string;
}

/** Free SQL: the query must return user_id, n_<key>, pct_<key> for users of ctx.cohort. */
export interface SqlMetric extends MetricBase {
  kind: "sql";
  sql(ctx: MetricContext): string;
}

export type MetricDefinition = EventMetric | SqlMetric;

/** A metric key: lower_snake_case (experiments store it; lib/analysis/experiment-rules.ts checks it). */
export const METRIC_KEY = /^[a-z][a-z0-9_]{0,62}$/;

function checkCap(key: string, tail: string, cap: Cap | undefined): void {
  if (!cap) return;
  if (!Number.isFinite(cap.value)) throw new Error(`metric ${key}: ${tail} cap must be a number`);
  if (cap.type === "percentile" && !(cap.value > 0 && cap.value < 1)) {
    throw new Error(`metric ${key}: ${tail} percentile cap must be between 0 and 1 (got ${cap.value})`);
  }
}

function checkBase(m: MetricBase): void {
  if (!METRIC_KEY.test(m.key)) throw new Error(`metric key "${m.key}" must be lower_snake_case (letters, digits, _)`);
  if (!m.name.trim()) throw new Error(`metric ${m.key} needs a name`);
  checkCap(m.key, "upper", m.capping?.upper);
  checkCap(m.key, "lower", m.capping?.lower);
  if (m.capping && m.statistic !== "mean") throw new Error(`metric ${m.key}: capping applies to mean metrics only`);
}

export function defineEventMetric(m: Omit<EventMetric, "kind">): EventMetric {
  checkBase(m);
  if (m.events.length === 0) throw new Error(`metric ${m.key} must name at least one event`);
  return { ...m, kind: "events" };
}

export function defineSqlMetric(m: Omit<SqlMetric, "kind">): SqlMetric {
  checkBase(m);
  return { ...m, kind: "sql" };
}
