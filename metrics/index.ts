// The metric registry: add a file under metrics/<group>/ and list it here.
import type { MetricDefinition } from "@/lib/metrics/define";
import activeDays from "./engagement/active-days";
import feedViews from "./engagement/feed-views";
import searches from "./engagement/searches";
import sessions from "./engagement/sessions";
import shares from "./engagement/shares";
import addToCart from "./commerce/add-to-cart";
import purchases from "./commerce/purchases";
import revenue from "./commerce/revenue";
import signups from "./growth/signups";

export const METRICS: readonly MetricDefinition[] = [
  sessions,
  feedViews,
  searches,
  shares,
  activeDays,
  addToCart,
  purchases,
  revenue,
  signups,
];
