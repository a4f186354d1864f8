import type { Correction } from "@/lib/stats";
import type { EngineMetricInput, EngineRequest } from "./engine";
import type { Slice, SufficientStats } from "./sufficient-stats";

export interface ViewOptions {
  alpha: number;
  correction: Correction;
  sequential: boolean;
  cuped: boolean;
}

export const DEFAULT_VIEW: ViewOptions = { alpha: 0.05, correction: "none", sequential: false, cuped: true };

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
        return { key: m.key, type: "ratio", data: Object.fromEntries(Object.entries(m.data).map(([variant, d]) => [variant, { ...d }])) };
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
    alpha: view.alpha,
    correction: view.correction,
    sequential: view.sequential,
    control,
    variants: stats.variants.map((v) => ({ id: v.key, weight: v.weight, users: slice.users[v.key] ?? 0 })),
    metrics,
    extraIntervals: [0.68],
  };
}
