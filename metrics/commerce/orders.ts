import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "orders",
  name: "Orders per user",
  description: "Orders placed after exposure, per exposed user.",
  statistic: "mean",
  source: "orders",
  aggregate: "count",
});
