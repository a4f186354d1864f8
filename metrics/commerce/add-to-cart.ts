import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "add_to_cart",
  name: "Add-to-cart conversion",
  description: "Share of users who added an item to the cart after exposure.",
  statistic: "proportion",
  unit: "count",
  events: ["add_to_cart"],
  aggregate: "count",
});
