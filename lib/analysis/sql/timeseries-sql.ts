import type { EventMetric } from "@/lib/metrics/define";
import type { Dialect } from "@/lib/warehouse/dialect";
import { differenceInCalendarDays, parseISO } from "date-fns";
import type { AnalysisPlan } from "./analysis-plan";
import type { AnalysisQuery } from "./analysis-sql";
import { cohortCtes } from "./cohort-sql";
import { eventDateRange, eventStem } from "./metric-sql";
import { ParamBinder } from "./params";

export type TimeSeriesMode = "exposure" | "calendar";

/**
 * Cumulative sufficient statistics per day and variant, for each declarative metric's headline
 * statistic. x is the day since the user's first exposure, or the calendar day since the start.
 * A user counts on day x when x lies in [min_day, max_day]: by exposure, only users observed for
 * the full x + 1 days (so the cohort does not shift); by calendar, users exposed by that day.
 *
 * Σy² needs each user's cumulative value, not just daily totals. Each event gets its running
 * count (and running value) within (user, event list) in day order, one window pass; its
 * increment of y² is then (c² − (c − 1)²) = 2c − 1 for counts, a·(2s − a) for sums, and 1 on the
 * first event for proportions. Summed over days ≤ x these telescope to Σ y(x)², whatever the
 * order of events inside a day. Only variants × days rows leave the warehouse.
 */
export function buildTimeSeriesQuery(plan: AnalysisPlan, metrics: EventMetric[], mode: TimeSeriesMode, d: Dialect): AnalysisQuery {
  const p = new ParamBinder(d);
  const days = differenceInCalendarDays(parseISO(plan.endDate), parseISO(plan.startDate)) + 1;
  const ctes = cohortCtes({ ...plan, segments: [] }, d, p);
  const dayCount = p.bind("series_days", days);
  const start = `CAST(${p.bind("start_date", plan.startDate)} AS TIMESTAMP)`;
  const bounds =
    mode === "exposure"
      ? { minDay: "0", maxDay: `${d.daysBetween("c.window_end", "c.window_start")} - 1`, day: d.daysBetween("e.event_time", "u.window_start") }
      : { minDay: d.daysBetween("c.window_start", start), maxDay: `CAST(${dayCount} AS ${d.intType}) - 1`, day: d.daysBetween("e.event_time", start) };

  // Metrics over the same event list share one running count; an event in several lists gets a
  // row per list (the join below), so overlapping lists stay exact.
  const lists: { events: string[]; key: string }[] = [];
  const listOf = (m: EventMetric) => {
    const key = [...new Set(m.events)].sort().join("\u0000");
    let i = lists.findIndex((l) => l.key === key);
    if (i < 0) i = lists.push({ key, events: [...new Set(m.events)] }) - 1;
    return i;
  };
  const listIds = new Map(metrics.map((m) => [m.key, listOf(m)]));
  const mapping = lists.flatMap((l, i) => l.events.map((e) => `SELECT ${p.bind(eventStem(e), e)} AS event_name, ${i} AS list_id`));
  const withValue = metrics.some((m) => m.statistic === "mean" && m.aggregate === "sum");
  const order = "PARTITION BY user_id, list_id ORDER BY day";

  const increments = metrics.flatMap((m) => {
    const inList = `list_id = ${listIds.get(m.key)}`;
    if (m.statistic === "proportion") {
      const first = `COUNT(CASE WHEN ${inList} AND run_count = 1 THEN 1 END)`;
      return [`${first} AS s1_${m.key}`, `${first} AS s2_${m.key}`];
    }
    if (m.aggregate === "sum") {
      return [
        `SUM(CASE WHEN ${inList} THEN amount ELSE 0 END) AS s1_${m.key}`,
        `SUM(CASE WHEN ${inList} THEN amount * (2 * run_value - amount) ELSE 0 END) AS s2_${m.key}`,
      ];
    }
    return [
      `COUNT(CASE WHEN ${inList} THEN 1 END) AS s1_${m.key}`,
      `SUM(CASE WHEN ${inList} THEN 2 * run_count - 1 ELSE 0 END) AS s2_${m.key}`,
    ];
  });
  const f = d.floatType;

  ctes.push(
    `ts_users AS (
  SELECT c.user_id, c.variant, c.window_start, c.window_end, ${bounds.minDay} AS min_day, ${bounds.maxDay} AS max_day
  FROM cohort c
)`,
    `ts_event_lists AS (
  ${mapping.join("\n  UNION ALL ")}
)`,
    `ts_events AS (
  -- one row per counted event and event list it belongs to, with its day
  SELECT u.user_id, u.variant, u.max_day, ${bounds.day} AS day, l.list_id${withValue ? ", COALESCE(e.value, 0) AS amount" : ""}
  FROM ts_users u
  JOIN ${d.table("events")} e ON e.user_id = u.user_id
  JOIN ts_event_lists l ON l.event_name = e.event_name
  WHERE ${eventDateRange("e", { ...plan, covariateLookbackDays: 0 }, p)}
    AND e.event_time >= u.window_start
    AND e.event_time < u.window_end
)`,
    `ts_running AS (
  -- running count (and value) per user and event list: one window pass, one sort, for all metrics
  SELECT variant, max_day, day, list_id,
    ROW_NUMBER() OVER (${order}) AS run_count${withValue ? `,
    amount,
    SUM(amount) OVER (${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_value` : ""}
  FROM ts_events
)`,
    `ts_increments AS (
  -- increments of y and y squared per day; their sums over days up to x telescope to the totals at x
  SELECT variant, max_day, day,
    ${increments.join(",\n    ")}
  FROM ts_running
  GROUP BY variant, max_day, day
)`,
    `ts_user_counts AS (
  SELECT variant, min_day, max_day, COUNT(*) AS users
  FROM ts_users
  GROUP BY variant, min_day, max_day
)`,
    `ts_days AS ${d.integerSeries(dayCount)}`,
    `ts_population AS (
  SELECT t.x, n.variant, SUM(n.users) AS users
  FROM ts_days t
  JOIN ts_user_counts n ON n.min_day <= t.x AND n.max_day >= t.x
  GROUP BY t.x, n.variant
)`,
    `ts_totals AS (
  SELECT t.x, i.variant,
    ${metrics.flatMap((m) => [`SUM(i.s1_${m.key}) AS s1_${m.key}`, `SUM(i.s2_${m.key}) AS s2_${m.key}`]).join(",\n    ")}
  FROM ts_days t
  JOIN ts_increments i ON i.day <= t.x AND i.max_day >= t.x
  GROUP BY t.x, i.variant
)`,
  );
  const columns = metrics.flatMap((m) => [
    `CAST(COALESCE(s.s1_${m.key}, 0) AS ${f}) AS ${m.key}_sum`,
    `CAST(COALESCE(s.s2_${m.key}, 0) AS ${f}) AS ${m.key}_sumsq`,
  ]);
  const sql = `WITH
${ctes.join(",\n")}
SELECT
  n.x AS x,
  n.variant AS variant,
  n.users AS users,
  ${columns.join(",\n  ")}
FROM ts_population n
LEFT JOIN ts_totals s ON s.x = n.x AND s.variant = n.variant
ORDER BY n.x, n.variant`;
  return { sql, params: p.values };
}
