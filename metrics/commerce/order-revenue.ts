import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "order_revenue",
  name: "Order revenue per user",
  description: "Value of the orders placed after exposure, per exposed user (users without an order count as 0).",
  statistic: "mean",
  unit: "currency",
  currency: "USD",
  source: "orders",
  aggregate: "sum",
  column: "amount",
});
