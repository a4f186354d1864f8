import { defineSqlMetric } from "@/lib/metrics/define";

// Free SQL: distinct calendar days with any event, which a per-event count cannot express.
export default defineSqlMetric({
  key: "active_days",
  name: "Active days per user",
  description: "Calendar days with at least one event after exposure.",
  statistic: "mean",
  unit: "days",
  sql: (ctx) => `
    SELECT c.user_id,
           COUNT(DISTINCT e.event_date) AS n_active_days,
           1 AS pct_active_days
    FROM ${ctx.cohort} c
    JOIN ${ctx.table("events")} e ON e.user_id = c.user_id
    WHERE ${ctx.eventDateRange("e")}
      AND e.event_time >= c.window_start AND e.event_time < c.window_end
    GROUP BY c.user_id`,
});
