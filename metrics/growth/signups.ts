import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "signups",
  name: "Signup completion",
  description: "Share of users who completed signup after exposure.",
  statistic: "proportion",
  unit: "count",
  events: ["signup_complete"],
  aggregate: "count",
});
