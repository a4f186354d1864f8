import type { EventMetric, MetricDefinition } from "@/lib/metrics/define";
import { EVENTS_SOURCE } from "@/lib/metrics/catalog";
import type { Dialect } from "@/lib/warehouse/dialect";
import type { Row } from "@/lib/warehouse/types";
import { differenceInCalendarDays, parseISO } from "date-fns";
import type { AnalysisPlan } from "../analysis-plan";
import type { MeanSums } from "../sums";
import { cohortCtes } from "./cohort";
import { col, num, readRows, str, type ColumnSpec } from "./columns";
import { ParamBinder } from "./params";
import { eventStem, sourceDateRange } from "./per-user";
import type { Statement } from "./statement";

export const TIME_SERIES_MODES = ["exposure", "calendar"] as const;
export type TimeSeriesMode = (typeof TIME_SERIES_MODES)[number];

/** Stored with a snapshot: cumulative sufficient statistics per day (variants × days, never per user). */
export interface TimeSeriesStats {
  mode: TimeSeriesMode;
  startDate: string;
  metrics: { key: string; statistic: "mean" | "proportion" }[];
  points: { x: number; users: Record<string, number>; metrics: Record<string, Record<string, Pick<MeanSums, "sum" | "sumSquares">>> }[];
}

type DrawnMetric = EventMetric & { statistic: "mean" | "proportion"; events: string[]; aggregate: "count" | "sum" };

/**
 * Metrics drawn over time: declarative counts and sums of named events of the events source,
 * without filters or windows (issue 14 brings every type to the time series).
 */
export function timeSeriesMetrics(metrics: readonly MetricDefinition[]): DrawnMetric[] {
  return metrics.filter(
    (m): m is DrawnMetric =>
      m.kind === "events" &&
      (m.source ?? "events") === "events" &&
      (m.statistic === "mean" || m.statistic === "proportion") &&
      m.aggregate !== "days" &&
      (m.column ?? "value") === "value" &&
      m.events !== undefined &&
      !m.where?.length &&
      !m.window,
  );
}

const field = { mode: "mode", x: "x" } as const;

export function timeSeriesColumns(metrics: readonly EventMetric[]): ColumnSpec[] {
  return [
    { name: field.mode, kind: "string" },
    { name: field.x, kind: "number" },
    { name: col.variant, kind: "string" },
    { name: col.users, kind: "number" },
    ...metrics.flatMap((m) => [
      { name: col.metric(m.key, "sum"), kind: "number" as const },
      { name: col.metric(m.key, "sumsq"), kind: "number" as const },
    ]),
  ];
}

/** Folds the time-series rows (both axes, told apart by `mode`) into one TimeSeriesStats per axis. */
function decodeTimeSeries(rows: readonly Row[], plan: AnalysisPlan, metrics: readonly DrawnMetric[]): TimeSeriesStats[] {
  const checked = readRows("timeseries", rows, timeSeriesColumns(metrics));
  return TIME_SERIES_MODES.map((mode) => {
    const byX = new Map<number, TimeSeriesStats["points"][number]>();
    for (const row of checked) {
      const rowMode = str(row, field.mode);
      if (!(TIME_SERIES_MODES as readonly string[]).includes(rowMode)) throw new Error(`timeseries statement: unknown mode "${rowMode}"`);
      if (rowMode !== mode) continue;
      const x = num(row, field.x);
      const variant = str(row, col.variant);
      if (!plan.variants.includes(variant)) throw new Error(`timeseries statement: the warehouse returned an unplanned variant: ${variant}`);
      const point = byX.get(x) ?? { x, users: {}, metrics: {} };
      point.users[variant] = num(row, col.users);
      for (const m of metrics) {
        const perVariant = (point.metrics[m.key] ??= {});
        perVariant[variant] = { sum: num(row, col.metric(m.key, "sum")), sumSquares: num(row, col.metric(m.key, "sumsq")) };
      }
      byX.set(x, point);
    }
    return {
      mode,
      startDate: plan.startDate,
      metrics: metrics.map((m) => ({ key: m.key, statistic: m.statistic })),
      points: [...byX.values()].sort((a, b) => a.x - b.x),
    };
  });
}

/**
 * Cumulative sufficient statistics per day and variant, for each metric's headline statistic, on
 * both axes in one statement (column `mode`): x is the day since the user's first exposure, or the
 * calendar day since the start. A user counts on day x when x lies in [min_day, max_day]: by
 * exposure, only users observed for the full x + 1 days (so the cohort does not shift); by
 * calendar, users exposed by that day.
 *
 * Σy² needs each user's cumulative value, not just daily totals. Each event gets its running
 * count (and running value) within (user, event list) in time order, one window pass; its
 * increment of y² is then (c² − (c − 1)²) = 2c − 1 for counts, a·(2s − a) for sums, and 1 on the
 * first event for proportions. Both day numbers grow with time, so summed over days ≤ x these
 * telescope to Σ y(x)² on either axis, whatever the order of events inside a day: one join and
 * one window serve both. Only modes × variants × days rows leave the warehouse.
 *
 * Why the window runs over events rather than per-user, per-day partial sums: on the bench data
 * a user has ~1.1 drawn events per day and event list (3.32M joined events give 3.01M such
 * groups at 1M users), so grouping first shrinks the window's input by a tenth but adds a hash
 * aggregate with a group for nearly every row: measured slower (median CPU 3.9 s against 3.1 s).
 */
export function buildTimeSeries(plan: AnalysisPlan, d: Dialect): Statement<TimeSeriesStats[]> {
  const metrics = timeSeriesMetrics(plan.metrics);
  const p = new ParamBinder(d);
  const days = differenceInCalendarDays(parseISO(plan.endDate), parseISO(plan.startDate)) + 1;
  const ctes = cohortCtes({ ...plan, segments: [] }, d, p);
  const dayCount = p.bind("series_days", days);
  const lastDay = `CAST(${dayCount} AS ${d.smallIntType}) - 1`;
  const start = `CAST(${p.bind("start_date", plan.startDate)} AS TIMESTAMP)`;
  const [exposure, calendar] = TIME_SERIES_MODES.map((mode) => p.bind(`mode_${mode}`, mode));
  const byMode = (m: string, ifExposure: string, ifCalendar: string) => `CASE WHEN ${m}.mode = ${exposure} THEN ${ifExposure} ELSE ${ifCalendar} END`;
  // The window sorts every event with its payload: a variant number and 32-bit days keep that
  // payload narrow (the variant's name comes back at the end); ~20% faster at 5M users.
  const variantParams = plan.variants.map((v, i) => p.bind(`variant_${i}`, v));
  const variantNumber = (expr: string) => `CASE ${expr} ${variantParams.map((v, i) => `WHEN ${v} THEN ${i}`).join(" ")} END`;
  const variantName = (expr: string) => `CASE ${expr} ${variantParams.map((v, i) => `WHEN ${i} THEN ${v}`).join(" ")} END`;
  const day = (expr: string) => `CAST(${expr} AS ${d.smallIntType})`;

  // Metrics over the same event list share one running count; an event in several lists gets a
  // row per list (the join below), so overlapping lists stay exact.
  const lists: { events: string[]; key: string }[] = [];
  const listOf = (m: DrawnMetric) => {
    const key = [...new Set(m.events)].sort().join("\u0000");
    let i = lists.findIndex((l) => l.key === key);
    if (i < 0) i = lists.push({ key, events: [...new Set(m.events)] }) - 1;
    return i;
  };
  const listIds = new Map(metrics.map((m) => [m.key, listOf(m)]));
  const mapping = lists.flatMap((l, i) => l.events.map((e) => `SELECT ${p.bind(eventStem(e), e)} AS event_name, ${i} AS list_id`));
  const withValue = metrics.some((m) => m.statistic === "mean" && m.aggregate === "sum");
  const order = "PARTITION BY user_id, list_id ORDER BY event_time";

  const increments = metrics.flatMap((m) => {
    const inList = `r.list_id = ${listIds.get(m.key)}`;
    if (m.statistic === "proportion") {
      const first = `COUNT(CASE WHEN ${inList} AND r.run_count = 1 THEN 1 END)`;
      return [`${first} AS s1_${m.key}`, `${first} AS s2_${m.key}`];
    }
    if (m.aggregate === "sum") {
      return [
        `SUM(CASE WHEN ${inList} THEN r.amount ELSE 0 END) AS s1_${m.key}`,
        `SUM(CASE WHEN ${inList} THEN r.amount * (2 * r.run_value - r.amount) ELSE 0 END) AS s2_${m.key}`,
      ];
    }
    return [
      `COUNT(CASE WHEN ${inList} THEN 1 END) AS s1_${m.key}`,
      `SUM(CASE WHEN ${inList} THEN 2 * r.run_count - 1 ELSE 0 END) AS s2_${m.key}`,
    ];
  });
  const f = d.floatType;

  ctes.push(
    `ts_modes AS (
  SELECT ${exposure} AS mode UNION ALL SELECT ${calendar} AS mode
)`,
    `ts_users AS (
  SELECT c.user_id, ${variantNumber("c.variant")} AS variant, c.window_start, c.window_end,
    ${day(`${d.daysBetween("c.window_end", "c.window_start")} - 1`)} AS exposure_max_day,
    ${day(d.daysBetween("c.window_start", start))} AS calendar_min_day
  FROM cohort c
)`,
    `ts_event_lists AS (
  ${mapping.join("\n  UNION ALL ")}
)`,
    `ts_events AS (
  -- one row per counted event and event list it belongs to, with its day on both axes
  SELECT u.user_id, u.variant, u.exposure_max_day, e.event_time, l.list_id,
    ${day(d.daysBetween("e.event_time", "u.window_start"))} AS exposure_day,
    ${day(d.daysBetween("e.event_time", start))} AS calendar_day${withValue ? `,
    COALESCE(e.value, 0) AS amount` : ""}
  FROM ts_users u
  JOIN ${d.table("events")} e ON e.user_id = u.user_id
  JOIN ts_event_lists l ON l.event_name = e.event_name
  WHERE ${sourceDateRange("e", EVENTS_SOURCE, plan, p, 0)}
    AND e.event_time >= u.window_start
    AND e.event_time < u.window_end
)`,
    `ts_running AS (
  -- running count (and value) per user and event list: one window pass, one sort, for all metrics and both axes
  SELECT variant, exposure_max_day, exposure_day, calendar_day, list_id,
    ROW_NUMBER() OVER (${order}) AS run_count${withValue ? `,
    amount,
    SUM(amount) OVER (${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_value` : ""}
  FROM ts_events
)`,
    `ts_daily AS (
  -- increments of y and y squared per variant and day on both axes (a few thousand rows), before the axes part
  SELECT r.variant, r.exposure_day, r.calendar_day, r.exposure_max_day,
    ${increments.join(",\n    ")}
  FROM ts_running r
  GROUP BY 1, 2, 3, 4
)`,
    `ts_increments AS (
  -- the same per axis and day; their sums over days up to x telescope to the totals at x
  SELECT m.mode, r.variant,
    ${byMode("m", "r.exposure_day", "r.calendar_day")} AS day,
    ${byMode("m", "r.exposure_max_day", lastDay)} AS max_day,
    ${metrics.flatMap((m) => [`SUM(r.s1_${m.key}) AS s1_${m.key}`, `SUM(r.s2_${m.key}) AS s2_${m.key}`]).join(",\n    ")}
  FROM ts_daily r
  CROSS JOIN ts_modes m
  GROUP BY 1, 2, 3, 4
)`,
    `ts_user_counts AS (
  SELECT m.mode, u.variant,
    ${byMode("m", "0", "u.calendar_min_day")} AS min_day,
    ${byMode("m", "u.exposure_max_day", lastDay)} AS max_day,
    COUNT(*) AS users
  FROM ts_users u
  CROSS JOIN ts_modes m
  GROUP BY 1, 2, 3, 4
)`,
    `ts_days AS ${d.integerSeries(dayCount)}`,
    `ts_population AS (
  SELECT n.mode, t.x, n.variant, SUM(n.users) AS users
  FROM ts_days t
  JOIN ts_user_counts n ON n.min_day <= t.x AND n.max_day >= t.x
  GROUP BY n.mode, t.x, n.variant
)`,
    `ts_totals AS (
  SELECT i.mode, t.x, i.variant,
    ${metrics.flatMap((m) => [`SUM(i.s1_${m.key}) AS s1_${m.key}`, `SUM(i.s2_${m.key}) AS s2_${m.key}`]).join(",\n    ")}
  FROM ts_days t
  JOIN ts_increments i ON i.day <= t.x AND i.max_day >= t.x
  GROUP BY i.mode, t.x, i.variant
)`,
  );
  const columns = metrics.flatMap((m) => [
    `CAST(COALESCE(s.s1_${m.key}, 0) AS ${f}) AS ${col.metric(m.key, "sum")}`,
    `CAST(COALESCE(s.s2_${m.key}, 0) AS ${f}) AS ${col.metric(m.key, "sumsq")}`,
  ]);
  const sql = `WITH
${ctes.join(",\n")}
SELECT
  n.mode AS ${field.mode},
  n.x AS ${field.x},
  ${variantName("n.variant")} AS ${col.variant},
  n.users AS ${col.users},
  ${columns.join(",\n  ")}
FROM ts_population n
LEFT JOIN ts_totals s ON s.mode = n.mode AND s.x = n.x AND s.variant = n.variant
ORDER BY n.mode, n.x, n.variant`;
  return {
    kind: "timeseries",
    name: "timeseries",
    title: "cumulative time series by day since exposure and by calendar day",
    sql,
    params: p.values,
    columns: timeSeriesColumns(metrics),
    decode: (rows) => decodeTimeSeries(rows, plan, metrics),
  };
}
