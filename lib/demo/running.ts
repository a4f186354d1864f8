// The demo's running experiment (issue 13): dates around today with an open end, served in the
// SDK payload, and driven end to end by `npm run simulate` (scripts/simulate.ts): synthetic users
// get their variant from the payload, exposures and events go to /api/collect, and the dashboard
// then shows the effect planted here.
import { addDays, format } from "date-fns";
import { getExperiment, saveExperiment } from "@/lib/analysis/store";

export interface SimulationPlan {
  /** chance that a user does the event after exposure, in the control */
  baseRates: Record<string, number>;
  /** multiplicative true effect on those chances, by variation key and event */
  effects: Record<string, Record<string, number>>;
  /** purchase values: lognormal with these log-mean and log-sd */
  orderValue: { logMean: number; logSd: number };
}

export const RUNNING_DEMO = {
  id: "free-shipping-banner",
  name: "Free-shipping banner",
  hypothesis: "A free-shipping banner on product pages raises purchase conversion (running now: npm run simulate drives it).",
  owner: "growth-team",
  variants: [
    { key: "control", name: "No banner", weight: 1 },
    { key: "banner", name: "Free-shipping banner", weight: 1 },
  ],
  metrics: [
    { key: "purchases", role: "primary" as const },
    { key: "add_to_cart", role: "secondary" as const },
    { key: "revenue", role: "secondary" as const },
  ],
  /** it started this many days before the demo was set up */
  startedDaysAgo: 2,
  simulation: {
    baseRates: { add_to_cart: 0.3, purchase: 0.1 },
    effects: { banner: { purchase: 1.25, add_to_cart: 1.1 } },
    orderValue: { logMean: 3.4, logSd: 0.6 },
  } satisfies SimulationPlan,
};

/** Registers the running experiment when it is missing (an existing one, edited or with data, is left as it is). */
export async function registerRunningDemo(today = new Date()): Promise<boolean> {
  if (await getExperiment(RUNNING_DEMO.id)) return false;
  await saveExperiment(
    {
      id: RUNNING_DEMO.id,
      name: RUNNING_DEMO.name,
      hypothesis: RUNNING_DEMO.hypothesis,
      owner: RUNNING_DEMO.owner,
      status: "running",
      startDate: format(addDays(today, -RUNNING_DEMO.startedDaysAgo), "yyyy-MM-dd"),
      endDate: null,
      controlVariant: "control",
      segments: ["platform", "country"],
      variants: RUNNING_DEMO.variants,
      metrics: RUNNING_DEMO.metrics,
    },
    today.toISOString().slice(0, 10),
  );
  return true;
}
