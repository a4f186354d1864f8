import { addDays, format, parseISO } from "date-fns";
import { analyze, type MetricInput } from "@/lib/stats";
import type { TimeSeriesMode } from "./statements/timeseries";
import { engineOptions, type ViewOptions } from "./stats-request";
import type { SufficientStats } from "./sufficient-stats";

/** Shown on the page: the cumulative relative lift of each treatment, per day. */
export interface TimeSeries {
  mode: TimeSeriesMode;
  points: {
    x: number | string;
    metric: string;
    variant: string;
    users: number;
    estimate: number | null;
    ciLow: number | null;
    ciHigh: number | null;
  }[];
}

/** Runs the stats engine once per day on the stored cumulative statistics (no CUPED: no covariates per day). */
export function timeSeriesFor(stats: SufficientStats, control: string, view: ViewOptions): TimeSeries[] {
  return (stats.timeseries ?? []).map((series) => ({
    mode: series.mode,
    points: series.points.flatMap((point) => {
      const users = (v: string) => point.users[v] ?? 0;
      if (users(control) < 2) return [];
      const metrics: MetricInput[] = series.metrics.map((m) => ({
        key: m.key,
        type: m.statistic,
        data: Object.fromEntries(
          stats.variants.map((v) => {
            const s = point.metrics[m.key]?.[v.key] ?? { sum: 0, sumSquares: 0 };
            return [v.key, { n: users(v.key), sum: s.sum, sumSquares: s.sumSquares }];
          }),
        ),
      }));
      const { alpha, sequential } = engineOptions(view);
      const answer = analyze({
        alpha,
        sequential,
        control,
        variants: stats.variants.map((v) => ({ id: v.key, weight: v.weight, users: users(v.key) })),
        metrics,
      });
      const x = series.mode === "calendar" ? format(addDays(parseISO(series.startDate), point.x), "yyyy-MM-dd") : point.x;
      return answer.metrics.flatMap((m) =>
        m.variants
          .filter((v) => v.id !== control)
          .map((v) => ({
            x,
            metric: m.key,
            variant: v.id,
            users: v.n,
            estimate: v.relative?.estimate ?? null,
            ciLow: v.relative?.ciLow ?? null,
            ciHigh: v.relative?.ciHigh ?? null,
          })),
      );
    }),
  }));
}
