import type { EventMetric } from "@/lib/metrics/define";
import type { Dialect } from "@/lib/warehouse/dialect";
import { differenceInCalendarDays, parseISO } from "date-fns";
import type { AnalysisPlan } from "./analysis-plan";
import type { AnalysisQuery } from "./analysis-sql";
import { cohortCtes } from "./cohort-sql";
import { eventDateRange, eventFilter, eventStem } from "./metric-sql";
import { ParamBinder } from "./params";

export type TimeSeriesMode = "exposure" | "calendar";

/**
 * Cumulative sufficient statistics per day and variant, for each declarative metric's headline
 * statistic. x is the day since the user's first exposure, or the calendar day since the start.
 * A user counts on day x when x lies in [min_day, max_day]: by exposure, only users observed for
 * the full x + 1 days (so the cohort does not shift); by calendar, users exposed by that day.
 *
 * Σy² needs each user's cumulative value, not just daily totals, so per-user running sums are
 * computed with window functions and turned into increments y(k)² − y(k−1)², whose sums over
 * k ≤ x telescope to Σ y(x)². Only variants × days rows leave the warehouse.
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

  const inc = metrics.map((m) => {
    const amount = m.statistic === "mean" && m.aggregate === "sum" ? "COALESCE(e.value, 0)" : "1";
    return `SUM(CASE WHEN ${eventFilter(m, p)} THEN ${amount} ELSE 0 END) AS inc_${m.key}`;
  });
  const cum = metrics.map(
    (m) => `SUM(inc_${m.key}) OVER (PARTITION BY user_id ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_${m.key}`,
  );
  const deltas = metrics.flatMap((m) => {
    const prev = `COALESCE(LAG(cum_${m.key}) OVER (PARTITION BY user_id ORDER BY day), 0)`;
    if (m.statistic === "proportion") {
      const first = `CASE WHEN cum_${m.key} > 0 AND ${prev} = 0 THEN 1 ELSE 0 END`;
      return [`${first} AS d1_${m.key}`, `${first} AS d2_${m.key}`];
    }
    return [`cum_${m.key} - ${prev} AS d1_${m.key}`, `cum_${m.key} * cum_${m.key} - ${prev} * ${prev} AS d2_${m.key}`];
  });
  const sums = metrics.flatMap((m) => [`SUM(d1_${m.key}) AS s1_${m.key}`, `SUM(d2_${m.key}) AS s2_${m.key}`]);
  const names = [...new Set(metrics.flatMap((m) => m.events))].map((e) => p.bind(eventStem(e), e)).join(", ");
  const f = d.floatType;

  ctes.push(
    `ts_users AS (
  SELECT c.user_id, c.variant, c.window_start, c.window_end, ${bounds.minDay} AS min_day, ${bounds.maxDay} AS max_day
  FROM cohort c
)`,
    `ts_user_day AS (
  SELECT u.user_id, u.variant, u.max_day, ${bounds.day} AS day,
    ${inc.join(",\n    ")}
  FROM ts_users u
  JOIN ${d.table("events")} e ON e.user_id = u.user_id
  WHERE ${eventDateRange("e", { ...plan, covariateLookbackDays: 0 }, p)}
    AND e.event_name IN (${names})
    AND e.event_time >= u.window_start
    AND e.event_time < u.window_end
  GROUP BY 1, 2, 3, 4
)`,
    `ts_running AS (
  SELECT user_id, variant, max_day, day,
    ${cum.join(",\n    ")}
  FROM ts_user_day
)`,
    `ts_deltas AS (
  SELECT variant, max_day, day,
    ${deltas.join(",\n    ")}
  FROM ts_running
)`,
    `ts_increments AS (
  SELECT variant, max_day, day,
    ${sums.join(",\n    ")}
  FROM ts_deltas
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
