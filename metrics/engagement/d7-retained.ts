import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "d7_retained",
  name: "Active on days 7-13",
  description: "Share of users with a session on days 7 to 13 after exposure (users exposed less than 14 days before the end are left out).",
  statistic: "proportion",
  events: ["session_start"],
  aggregate: "count",
  window: { fromDay: 7, toDay: 14 },
});
