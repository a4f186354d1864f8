import { defineSqlMetric } from "@/lib/metrics/define";

/**
 * The registry's active_days written as free SQL: it exercises the free-SQL path (its own CTE,
 * and a second one over the pre-exposure window for CUPED) and must agree with the declarative one.
 */
export const activeDaysSql = defineSqlMetric({
  key: "active_days_sql",
  name: "Active days per user (free SQL)",
  description: "Calendar days with at least one event after exposure.",
  statistic: "mean",
  unit: "days",
  sql: (ctx) => `
    SELECT c.user_id,
           COUNT(DISTINCT e.event_date) AS n_active_days_sql,
           1 AS pct_active_days_sql
    FROM ${ctx.cohort} c
    JOIN ${ctx.table("events")} e ON e.user_id = c.user_id
    WHERE ${ctx.eventDateRange("e")}
      AND e.event_time >= c.window_start AND e.event_time < c.window_end
    GROUP BY c.user_id`,
});
