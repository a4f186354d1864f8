import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "sessions",
  name: "Sessions per user",
  description: "App sessions started after exposure.",
  statistic: "mean",
  unit: "count",
  events: ["session_start"],
  aggregate: "count",
});
