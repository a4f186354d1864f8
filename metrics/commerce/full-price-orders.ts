import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "full_price_orders",
  name: "Full-price buyers",
  description: "Share of users who placed an order of 20 or more without a coupon after exposure.",
  statistic: "proportion",
  source: "orders",
  aggregate: "count",
  where: [
    { column: "coupon", op: "is null" },
    { column: "amount", op: ">=", value: 20 },
  ],
});
