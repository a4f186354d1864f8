import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "purchases",
  name: "Purchase conversion",
  description: "Share of users who bought at least once after exposure.",
  statistic: "proportion",
  unit: "count",
  events: ["purchase"],
  aggregate: "count",
});
