import { defineRatioMetric } from "@/lib/metrics/define";

export default defineRatioMetric({
  key: "aov",
  name: "Average order value",
  description: "Order revenue divided by orders, over all exposed users' orders.",
  unit: "currency",
  currency: "USD",
  numerator: "order_revenue",
  denominator: "orders",
});
