import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "active_days",
  name: "Active days per user",
  description: "Calendar days after exposure with at least one of the app's events (session, feed view, search, cart, purchase, share, sign-up).",
  statistic: "mean",
  unit: "days",
  events: ["session_start", "feed_view", "search", "add_to_cart", "purchase", "share", "signup_complete"],
  aggregate: "days",
});
