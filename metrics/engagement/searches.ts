import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "searches",
  name: "Searches per user",
  description: "Searches run after exposure.",
  statistic: "mean",
  unit: "count",
  events: ["search"],
  aggregate: "count",
});
