// Segments side by side: for one dimension, every value's lift of every metric, from the stored
// slices. Each (dimension, metric) is one engine request whose "metrics" are that metric in each
// slice, so the p-values (and intervals) are adjusted across the dimension's values together.
import type { Correction, VariantResult } from "@/lib/stats";
import { runEngine } from "./engine";
import { SEGMENT_LABELS, type SegmentDimension } from "./segments";
import { engineOptions, toStatsRequest, type ViewOptions } from "./stats-request";
import type { SufficientStats } from "./sufficient-stats";

export interface SegmentValueResult {
  sliceId: string;
  value: string;
  /** users per variant key in this slice */
  users: Record<string, number>;
  /** one per variant, control first as the engine returns it */
  variants: VariantResult[];
}

export interface SegmentTable {
  dimension: SegmentDimension;
  label: string;
  metricKey: string;
  /** how the p-values are adjusted across the values ("none" in Bayesian views) */
  correction: Correction;
  values: SegmentValueResult[];
}

/** The correction across a dimension's values: the view's, or Holm when the view has none. */
export function segmentCorrection(view: ViewOptions): Correction {
  if (view.mode === "bayesian") return "none";
  return view.correction === "bh" ? "bh" : "holm";
}

export function segmentTables(stats: SufficientStats, control: string, view: ViewOptions): SegmentTable[] {
  const dims = [...new Set(stats.slices.filter((s) => s.dimension !== "all").map((s) => s.dimension as SegmentDimension))];
  const correction = segmentCorrection(view);
  const tables: SegmentTable[] = [];
  for (const dimension of dims) {
    const slices = stats.slices.filter((s) => s.dimension === dimension);
    for (const meta of stats.metrics) {
      // one request: the metric in every slice, as many "metrics" (keys are slice ids)
      const held = slices.filter((s) => s.metrics.some((m) => m.key === meta.key));
      const requests = held.map((s) => toStatsRequest(stats, { ...s, metrics: s.metrics.filter((m) => m.key === meta.key) }, control, view));
      const first = requests[0];
      if (!first) continue;
      const request = {
        ...first,
        ...engineOptions(view),
        correction,
        metrics: requests.map((r, i) => ({ ...r.metrics[0]!, key: held[i]!.id })),
      };
      const answer = runEngine(request);
      tables.push({
        dimension,
        label: SEGMENT_LABELS[dimension],
        metricKey: meta.key,
        correction,
        values: held.map((s, i) => ({ sliceId: s.id, value: s.value, users: s.users, variants: answer.metrics[i]?.variants ?? [] })),
      });
    }
  }
  return tables;
}
