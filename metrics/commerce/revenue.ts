import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "revenue",
  name: "Revenue per user",
  description: "Purchase value per exposed user (users who did not buy count as 0), capped at the 99th percentile of buyers.",
  statistic: "mean",
  unit: "currency",
  currency: "USD",
  events: ["purchase"],
  aggregate: "sum",
  // a few very large orders would otherwise dominate the variance
  capping: { upper: { type: "percentile", value: 0.99 } },
});
