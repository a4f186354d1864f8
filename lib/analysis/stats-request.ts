import type { Correction, MetricInput, StatsRequest } from "@/lib/stats";
import type { Slice, SufficientStats } from "./sufficient-stats";

export interface ViewOptions {
  alpha: number;
  correction: Correction;
  sequential: boolean;
  cuped: boolean;
}

export const DEFAULT_VIEW: ViewOptions = { alpha: 0.05, correction: "none", sequential: false, cuped: true };

/** The stats engine's request for one view of one slice (the same engine the CLI exposes). */
export function toStatsRequest(stats: SufficientStats, slice: Slice, control: string, view: ViewOptions): StatsRequest {
  const metrics: MetricInput[] = slice.metrics.map((m) => ({
    key: m.key,
    type: m.statistic,
    data: Object.fromEntries(
      Object.entries(m.data).map(([variant, d]) => {
        const n = slice.users[variant] ?? 0;
        const base =
          m.statistic === "proportion"
            ? { n, sum: d.pct.sum, sumSquares: d.pct.sum }
            : { n, sum: d.n.sum, sumSquares: d.n.sumSquares };
        return [variant, view.cuped && d.covariate ? { ...base, covariate: d.covariate } : base];
      }),
    ),
  }));
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
