import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "revenue",
  name: "Revenue per user",
  description: "Purchase value per exposed user (users who did not buy count as 0).",
  statistic: "mean",
  unit: "currency",
  events: ["purchase"],
  aggregate: "sum",
});
