import { addDays, format, parseISO } from "date-fns";
import type { EventMetric } from "@/lib/metrics/define";
import { analyze, type MetricInput } from "@/lib/stats";
import type { Row } from "@/lib/warehouse/types";
import { TIME_SERIES_MODES, type TimeSeriesMode } from "./sql/timeseries-sql";
import type { ViewOptions } from "./stats-request";
import type { Moments, SufficientStats } from "./sufficient-stats";

/** Stored with a snapshot: cumulative sufficient statistics per day (variants × days, never per user). */
export interface TimeSeriesStats {
  mode: TimeSeriesMode;
  startDate: string;
  metrics: { key: string; statistic: "mean" | "proportion" }[];
  points: { x: number; users: Record<string, number>; metrics: Record<string, Record<string, Moments>> }[];
}

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

/** Folds the time-series rows (both axes, told apart by `mode`) into one TimeSeriesStats per axis. */
export function toTimeSeriesStats(rows: Row[], startDate: string, metrics: EventMetric[]): TimeSeriesStats[] {
  return TIME_SERIES_MODES.map((mode) => {
    const byX = new Map<number, TimeSeriesStats["points"][number]>();
    for (const row of rows) {
      if (row.mode !== mode) continue;
      const x = Number(row.x);
      const variant = String(row.variant);
      const point = byX.get(x) ?? { x, users: {}, metrics: {} };
      point.users[variant] = Number(row.users);
      for (const m of metrics) {
        const perVariant = (point.metrics[m.key] ??= {});
        perVariant[variant] = { sum: Number(row[`${m.key}_sum`]), sumSquares: Number(row[`${m.key}_sumsq`]) };
      }
      byX.set(x, point);
    }
    return {
      mode,
      startDate,
      metrics: metrics.map((m) => ({ key: m.key, statistic: m.statistic })),
      points: [...byX.values()].sort((a, b) => a.x - b.x),
    };
  });
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
      const answer = analyze({
        alpha: view.alpha,
        sequential: view.sequential,
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
