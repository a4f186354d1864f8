import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "active_days",
  name: "Active days per user",
  description: "Calendar days with at least one event after exposure.",
  statistic: "mean",
  unit: "days",
  events: ["session_start", "feed_view", "search", "add_to_cart", "purchase", "share", "signup_complete"],
  aggregate: "days",
});
