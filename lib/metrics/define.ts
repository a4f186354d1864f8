import type { SqlValue } from "../warehouse/types";

/**
 * The metric-definition API: everything a file under metrics/ may use.
 *
 * A metric measures each user of a cohort inside that user's own window and yields
 * `user_id`, `n_<key>` (events, or summed value, per user) and `pct_<key>` (1 if the user did it).
 */

export type MetricStatistic = "mean" | "proportion";

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
}

/** Declarative: the engine fuses every such metric over the same table into one scan. */
export interface EventMetric extends MetricBase {
  kind: "events";
  /** event_name value(s) that count */
  events: string[];
  /** count the events, or sum their `value` column */
  aggregate: "count" | "sum";
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

const KEY = /^[a-z][a-z0-9_]{0,62}$/;

function checkBase(m: MetricBase): void {
  if (!KEY.test(m.key)) throw new Error(`metric key "${m.key}" must be lower_snake_case (letters, digits, _)`);
  if (!m.name.trim()) throw new Error(`metric ${m.key} needs a name`);
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
