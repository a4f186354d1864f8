import { defineEventMetric } from "@/lib/metrics/define";

export default defineEventMetric({
  key: "feed_views",
  name: "Feed views per user",
  description: "Feed screens viewed after exposure.",
  statistic: "mean",
  unit: "count",
  events: ["feed_view"],
  aggregate: "count",
});
