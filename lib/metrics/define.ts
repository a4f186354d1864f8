import type { SqlValue } from "../warehouse/types";
import { checkDefinition } from "./schema";

/**
 * The metric-definition API: everything a file under metrics/ may use.
 *
 * A source is a fact table (events, orders, …) declared once with its user id, timestamp and date
 * (partition) columns. A metric measures each user of an experiment's cohort from one source:
 * declaratively (count, sum or distinct days of matching rows, read as a mean, a proportion or a
 * quantile), as a ratio of two other metrics, or as free SQL.
 */

/** Column types a source declares, so that metric files can be checked against them. */
export type ColumnType = "number" | "string" | "boolean" | "timestamp" | "date";

export interface SourceDefinition {
  kind: "source";
  /** lower_snake_case; what metrics name in `source:` */
  key: string;
  /** the warehouse table (or view) */
  table: string;
  /** column joined to the experiment's exposures */
  userId: string;
  /** when each row happened (TIMESTAMP) */
  timestamp: string;
  /** the partition column (DATE): every scan carries a range on it */
  date: string;
  /** the column `events: [...]` filters on, for sources that log several kinds of rows */
  eventName?: string;
  /** the column `aggregate: "sum"` adds up when a metric names none */
  value?: string;
  /** the columns metrics may sum, filter on or take quantiles of, with their types */
  columns?: Record<string, ColumnType>;
  description?: string;
}

export type MetricStatistic = "mean" | "proportion" | "quantile";
export type MetricUnit = "count" | "currency" | "days" | "percent";

/** One tail of winsorization: a fixed value, or a percentile (0–1) of users' non-zero values. */
export interface Cap {
  type: "absolute" | "percentile";
  value: number;
}

export const FILTER_OPS = ["=", "!=", "<", "<=", ">", ">=", "in", "not in", "is null", "is not null"] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** A condition on one of the source's columns; values are bound as query parameters. */
export interface Filter {
  column: string;
  op: FilterOp;
  /** a single value, a list for "in" / "not in", nothing for "is null" / "is not null" */
  value?: SqlValue | SqlValue[];
}

/**
 * Which part of each user's time after exposure counts: [from, to) in days or hours after the
 * user's first exposure. `{ fromDay: 7, toDay: 14 }` is D7 retention (days 7–13); `{ fromHours:
 * 1, toHours: 73 }` a 72-hour conversion window after a 1-hour delay. Without `to` it runs to the
 * end of the user's window. Users whose `to` lies beyond what has been observed are left out of
 * the metric (their window has not ended yet).
 */
export interface MetricWindow {
  fromDay?: number;
  toDay?: number;
  fromHours?: number;
  toHours?: number;
}

export interface MetricBase {
  /** lower_snake_case; the metric's name in SQL column names and URLs */
  key: string;
  name: string;
  description?: string;
  unit?: MetricUnit;
  /** money metrics (unit "currency"): the ISO 4217 code of their amounts, e.g. "USD" */
  currency?: string;
  /** false for metrics where a decrease is good (e.g. errors) */
  higherIsBetter?: boolean;
}

/** Declarative: every such metric over the same source is computed in one scan of it. */
export interface EventMetric extends MetricBase {
  kind: "events";
  /** mean of the per-user value, share of users with one, or a quantile (see `level`) */
  statistic: MetricStatistic;
  /** the source's key; "events" when absent */
  source?: string;
  /** values of the source's event-name column that count (all rows when absent) */
  events?: string[];
  /** per user: count the rows, sum a column, or count the distinct calendar days with one */
  aggregate: "count" | "sum" | "days";
  /** the column `aggregate: "sum"` adds up (default: the source's `value` column) */
  column?: string;
  /** conditions on the source's columns, all of which must hold */
  where?: Filter[];
  window?: MetricWindow;
  /** winsorize per-user values of mean metrics, computed in the warehouse */
  capping?: { upper?: Cap; lower?: Cap };
  /** quantile metrics: the level, in (0, 1) */
  quantile?: number;
  /** quantile metrics: of per-user values ("user", the default) or of individual rows' values ("event") */
  level?: "user" | "event";
  /** user-level quantiles: leave out users whose value is 0 */
  ignoreZeros?: boolean;
}

/** Σ numerator / Σ denominator over users (e.g. revenue per order), by the delta method. */
export interface RatioMetric extends MetricBase {
  kind: "ratio";
  statistic: "ratio";
  /** key of a declarative or free-SQL metric: its per-user value (count, sum or days) */
  numerator: string;
  denominator: string;
}

/** What free-SQL metrics get to build their query with. */
export interface MetricContext {
  /** relation with user_id, window_start, window_end (timestamps): whom to measure, and when */
  cohort: string;
  /** a warehouse table, fully qualified for the engine */
  table(name: string): string;
  /** binds a value as a query parameter and returns its placeholder */
  param(value: SqlValue): string;
  /** predicate on the given alias's event_date that covers every window (partition pruning) */
  eventDateRange(alias: string): string;
  /** the same predicate on another date column, e.g. dateRange("o", "order_date") */
  dateRange(alias: string, column: string): string;
}

/** Free SQL: the query must return user_id, n_<key>, pct_<key> for users of ctx.cohort. */
export interface SqlMetric extends MetricBase {
  kind: "sql";
  statistic: "mean" | "proportion";
  capping?: { upper?: Cap; lower?: Cap };
  sql(ctx: MetricContext): string;
}

export type MetricDefinition = EventMetric | RatioMetric | SqlMetric;
export type Definition = MetricDefinition | SourceDefinition;

type Input<T extends { kind: string }> = Omit<T, "kind">;

export function defineSource(s: Input<SourceDefinition>): SourceDefinition {
  return checkDefinition({ ...s, kind: "source" }) as SourceDefinition;
}

export function defineEventMetric(m: Input<EventMetric>): EventMetric {
  return checkDefinition({ ...m, kind: "events" }) as EventMetric;
}

export function defineRatioMetric(m: Omit<Input<RatioMetric>, "statistic"> & { statistic?: "ratio" }): RatioMetric {
  return checkDefinition({ ...m, statistic: "ratio", kind: "ratio" }) as RatioMetric;
}

export function defineSqlMetric(m: Input<SqlMetric>): SqlMetric {
  return checkDefinition({ ...m, kind: "sql" }) as SqlMetric;
}
