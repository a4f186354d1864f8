import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "big_orders",
  name: "Orders of 100 or more",
  description: "Purchases worth 100 or more after exposure, per exposed user.",
  statistic: "mean",
  events: ["purchase"],
  aggregate: "count",
  where: [{ column: "value", op: ">=", value: 100 }],
});
