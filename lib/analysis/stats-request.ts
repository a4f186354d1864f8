import type { Correction } from "@/lib/stats";
import type { EngineMetricInput, EngineRequest } from "./engine";
import type { Slice, SufficientStats } from "./sufficient-stats";

export interface ViewOptions {
  alpha: number;
  correction: Correction;
  sequential: boolean;
  cuped: boolean;
  /**
   * frequentist: p-values and (1 − α) confidence intervals, adjusted by the correction and for
   * sequential looks; bayesian: chance to win, risk and credible intervals (flat prior), which no
   * correction or sequential mode touches.
   */
  mode?: "frequentist" | "bayesian";
}

export const DEFAULT_VIEW: ViewOptions = { alpha: 0.05, correction: "none", sequential: false, cuped: true, mode: "frequentist" };

/**
 * What the engine computes for a view. Bayesian: a win is a chance to win of at least 1 − α, the
 * same as a one-sided (1 − α) bound above zero, so the two-sided credible interval shown is at
 * 1 − 2α (90% for α = 5%): it excludes zero exactly when the chance to win passes 1 − α (up to
 * the t vs normal quantile, which differ in the third digit at these sample sizes).
 */
export function engineOptions(view: ViewOptions): { alpha: number; correction: Correction; sequential: boolean } {
  if (view.mode === "bayesian") return { alpha: Math.min(2 * view.alpha, 0.5), correction: "none", sequential: false };
  return { alpha: view.alpha, correction: view.correction, sequential: view.sequential };
}

/** The level of the intervals a view shows, e.g. 0.95 (or 0.9 for Bayesian credible intervals at α = 5%). */
export function intervalLevel(view: ViewOptions): number {
  return 1 - engineOptions(view).alpha;
}

/** The stats engine's request for one view of one slice (the same engine the CLI exposes). */
export function toStatsRequest(stats: SufficientStats, slice: Slice, control: string, view: ViewOptions): EngineRequest {
  const metrics: EngineMetricInput[] = slice.metrics.map((m): EngineMetricInput => {
    switch (m.type) {
      case "mean":
      case "proportion":
        return {
          key: m.key,
          type: m.type,
          data: Object.fromEntries(
            Object.entries(m.data).map(([variant, d]) => {
              const base = { n: d.n, sum: d.sum, sumSquares: d.sumSquares };
              return [variant, view.cuped && d.covariate ? { ...base, covariate: d.covariate } : base];
            }),
          ),
        };
      case "ratio":
        return {
          key: m.key,
          type: "ratio",
          data: Object.fromEntries(
            Object.entries(m.data).map(([variant, { covariate, ...d }]) => [variant, view.cuped && covariate ? { ...d, covariate: { ...covariate } } : d]),
          ),
        };
      case "quantile":
        return {
          key: m.key,
          type: "quantile",
          data: Object.fromEntries(
            Object.entries(m.data).map(([variant, d]) => {
              const q = d.quantile;
              // a variant without observations (or without a bracket) has no quantile: nothing to compare
              const usable = d.n > 0 && q.estimate !== null && q.lower !== null && q.upper !== null && q.effectiveN !== null;
              return [
                variant,
                {
                  n: usable ? d.n : 0,
                  quantile: usable
                    ? { level: q.level, estimate: q.estimate!, lower: q.lower!, upper: q.upper!, bracketZ: q.bracketZ, effectiveN: q.effectiveN! }
                    : null,
                },
              ];
            }),
          ),
        };
    }
  });
  return {
    ...engineOptions(view),
    control,
    variants: stats.variants.map((v) => ({ id: v.key, weight: v.weight, users: slice.users[v.key] ?? 0 })),
    metrics,
    extraIntervals: [0.68],
  };
}
