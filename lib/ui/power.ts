// Power in the UI: the effect the users so far can detect, the users a target effect needs, and
// the days that takes at the current traffic, for the primary metric. The formulas are the stats
// engine's (R's power.prop.test / power.t.test: two-sided, 80% power, per comparison with
// control), on the control's raw mean and standard deviation (before CUPED, so conservative).
import { powerAnalysis } from "@/lib/stats";
import type { ResultsDocument } from "@/lib/analysis/results-document";

export const TARGET_POWER = 0.8;
/** Target effects offered beside the planned one. */
export const EXTRA_TARGETS = [0.01, 0.02, 0.05, 0.1];

export interface PowerTarget {
  /** relative lift */
  mde: number;
  usersPerVariant: number | null;
  /** users still to expose, all variants together (0 once reached) */
  moreUsers: number | null;
  daysLeft: number | null;
  planned: boolean;
}

export interface PowerSummary {
  metricKey: string;
  metricName: string;
  alpha: number;
  power: number;
  /** users so far in the smallest variant (the one that limits the comparison) */
  usersPerVariant: number;
  /** the relative lift detectable now with 80% power */
  reachableMde: number | null;
  plannedMde: number;
  /** the planned MDE's needs */
  planned: PowerTarget;
  /** has the experiment the users its planned MDE needs? */
  reached: boolean;
  /** new users per day (all variants) recently; null when unknown */
  dailyUsers: number | null;
  targets: PowerTarget[];
}

/** Why power is not shown, for the page to say. */
export type PowerUnavailable = { unavailable: string };

export function isPowerUnavailable(x: PowerSummary | PowerUnavailable): x is PowerUnavailable {
  return "unavailable" in x;
}

/**
 * Power of the first primary metric that is a mean or a proportion (ratios and quantiles have no
 * closed form here). Users needed assume the planned split: the smallest variant needs `n`, so the
 * experiment needs n / (its share) in all.
 */
export function powerSummary(doc: ResultsDocument): PowerSummary | PowerUnavailable {
  if (!doc.snapshot) return { unavailable: "No analysis yet." };
  const primaries = doc.metrics.filter((m) => m.role === "primary");
  const metric = primaries.find((m) => m.statistic === "mean" || m.statistic === "proportion");
  if (!metric) {
    return { unavailable: primaries.length ? `The primary metric ${primaries[0]!.name} is a ${primaries[0]!.statistic}: power is computed for means and proportions only.` : "No primary metric." };
  }
  const control = metric.variants.find((v) => v.id === doc.experiment.controlVariant);
  const baseline = control?.mean ?? null;
  const sd = control?.stdDev ?? null;
  if (baseline === null || baseline === 0 || (metric.statistic === "mean" && !(sd !== null && sd > 0))) {
    return { unavailable: `${metric.name}: the control has no usable mean${metric.statistic === "mean" ? " or spread" : ""} yet.` };
  }
  if (metric.statistic === "proportion" && !(baseline > 0 && baseline < 1)) return { unavailable: `${metric.name}: the control's rate is ${baseline}; power needs a rate strictly between 0 and 1.` };
  const alpha = doc.view.alpha;
  const weights = doc.experiment.variants.map((v) => v.weight);
  const totalWeight = weights.reduce((a, w) => a + w, 0);
  const smallestShare = totalWeight > 0 ? Math.min(...weights) / totalWeight : 1 / Math.max(1, weights.length);
  const users = metric.variants.map((v) => v.n);
  const usersPerVariant = Math.min(...users);
  const totalUsers = users.reduce((a, n) => a + n, 0);
  const dailyUsers = doc.health?.traffic.recentDailyUsers ?? null;
  const spec = { type: metric.statistic as "mean" | "proportion", baseline, ...(metric.statistic === "mean" ? { sd: sd! } : {}), alpha, power: TARGET_POWER };

  const reachableMde = usersPerVariant >= 2 ? (powerAnalysis({ power: { ...spec, usersPerVariant } }).power.mde ?? null) : null;
  const target = (mde: number, planned: boolean): PowerTarget => {
    // proportions: the rate after the lift must stay a rate
    const ok = metric.statistic !== "proportion" || baseline * (1 + mde) < 1;
    const n = ok ? (powerAnalysis({ power: { ...spec, mde } }).power.usersPerVariant ?? null) : null;
    if (n === null) return { mde, usersPerVariant: null, moreUsers: null, daysLeft: null, planned };
    const moreUsers = Math.max(0, Math.ceil(n / smallestShare - totalUsers));
    const daysLeft = moreUsers === 0 ? 0 : dailyUsers && dailyUsers > 0 ? Math.ceil(moreUsers / dailyUsers) : null;
    return { mde, usersPerVariant: n, moreUsers, daysLeft, planned };
  };
  const plannedMde = doc.experiment.plannedMde;
  const planned = target(plannedMde, true);
  const targets = [...new Set([...EXTRA_TARGETS, plannedMde])].sort((a, b) => a - b).map((m) => (m === plannedMde ? planned : target(m, false)));
  return {
    metricKey: metric.key,
    metricName: metric.name,
    alpha,
    power: TARGET_POWER,
    usersPerVariant,
    reachableMde,
    plannedMde,
    planned,
    reached: planned.moreUsers === 0,
    dailyUsers,
    targets,
  };
}
