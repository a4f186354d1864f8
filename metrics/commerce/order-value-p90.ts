import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "order_value_p90",
  name: "Order value, 90th percentile",
  description: "The 90th percentile of the value of single orders placed after exposure.",
  statistic: "quantile",
  quantile: 0.9,
  level: "event",
  unit: "currency",
  currency: "USD",
  source: "orders",
  aggregate: "sum",
  column: "amount",
});
