import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "shares",
  name: "Users who shared",
  description: "Share of users who shared content at least once after exposure.",
  statistic: "proportion",
  unit: "count",
  events: ["share"],
  aggregate: "count",
});
