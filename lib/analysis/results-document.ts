import { findMetric } from "@/lib/metrics/registry";
import { scrubInternals } from "@/lib/public-error";
import { analyze, type SrmResult, type VariantResult } from "@/lib/stats";
import type { ExperimentWithParts, Role } from "./experiments";
import { latestAny, latestSucceeded, parseSufficientStats, type SnapshotRow } from "./snapshots";
import { SEGMENT_LABELS } from "./segments";
import { DEFAULT_VIEW, toStatsRequest, type ViewOptions } from "./stats-request";
import { findSlice, type Slice } from "./sufficient-stats";
import { timeSeriesFor, type TimeSeries } from "./timeseries";

export interface SnapshotSummary {
  id: number;
  status: string;
  warehouse: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  bytesProcessed: number | null;
  rowCount: number | null;
  error: string | null;
}

export interface MetricResultView {
  key: string;
  name: string;
  description: string;
  role: Role;
  statistic: "mean" | "proportion";
  unit: string;
  higherIsBetter: boolean;
  variants: (VariantResult & { name: string })[];
}

/** Everything the dashboard, the JSON API and `analyze --json` show for one experiment. */
export interface ResultsDocument {
  experiment: {
    id: string;
    name: string;
    hypothesis: string;
    owner: string;
    status: string;
    startDate: string;
    endDate: string | null;
    controlVariant: string;
    variants: { key: string; name: string; weight: number }[];
  };
  snapshot: SnapshotSummary | null;
  /** the newest snapshot when it failed after the last good one */
  lastFailure: SnapshotSummary | null;
  view: ViewOptions;
  users: { variant: string; name: string; users: number }[];
  excludedUsers: number;
  srm: SrmResult | null;
  metrics: MetricResultView[];
  warnings: string[];
  /** every slice the snapshot holds; the document's numbers are for `segment` */
  segments: SegmentOption[];
  segment: string;
  /** cumulative lift over time, by day since exposure and by calendar day */
  timeseries: TimeSeries[];
}

export interface SegmentOption {
  id: string;
  dimension: Slice["dimension"];
  value: string;
  label: string;
  users: number;
}

function segmentOption(s: Slice): SegmentOption {
  const users = Object.values(s.users).reduce((a, n) => a + n, 0);
  const label = s.dimension === "all" ? "All users" : `${SEGMENT_LABELS[s.dimension]}: ${s.value}`;
  return { id: s.id, dimension: s.dimension, value: s.value, label, users };
}

export function summarize(s: SnapshotRow): SnapshotSummary {
  return {
    id: s.id,
    status: s.status,
    warehouse: s.warehouse,
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt?.toISOString() ?? null,
    durationMs: s.durationMs,
    bytesProcessed: s.bytesProcessed === null ? null : Number(s.bytesProcessed),
    rowCount: s.rowCount,
    // older snapshots stored the raw message (paths, process ids)
    error: s.error === null ? null : scrubInternals(s.error),
  };
}

/** Recomputes the numbers for a view from the stored sufficient statistics (no warehouse query). */
export function buildResultsDocument(
  exp: ExperimentWithParts,
  good: SnapshotRow | null,
  newest: SnapshotRow | null,
  view: ViewOptions = DEFAULT_VIEW,
  segment = "all",
): ResultsDocument {
  const names = new Map(exp.variants.map((v) => [v.key, v.name]));
  const roles = new Map(exp.metrics.map((m) => [m.metricKey, m.role as Role]));
  const stats = good ? parseSufficientStats(good) : null;
  const slice = stats ? (findSlice(stats, segment) ?? stats.slices[0]) : undefined;
  // the snapshot's own control: the experiment's definition may have changed since
  const control = stats?.control ?? exp.controlVariant;
  const answer = stats && slice ? analyze(toStatsRequest(stats, slice, control, view)) : null;
  const failedLater = newest && newest.status === "failed" && (!good || newest.id > good.id) ? newest : null;
  return {
    experiment: {
      id: exp.id,
      name: exp.name,
      hypothesis: exp.hypothesis,
      owner: exp.owner,
      status: exp.status,
      startDate: exp.startDate,
      endDate: exp.endDate,
      controlVariant: control,
      variants: exp.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight })),
    },
    snapshot: good ? summarize(good) : null,
    lastFailure: failedLater ? summarize(failedLater) : null,
    view,
    users: (stats?.variants ?? []).map((v) => ({ variant: v.key, name: names.get(v.key) ?? v.key, users: slice?.users[v.key] ?? 0 })),
    excludedUsers: stats?.excludedUsers ?? 0,
    srm: answer?.srm ?? null,
    metrics: (answer?.metrics ?? []).map((m) => {
      const def = findMetric(m.key);
      return {
        key: m.key,
        name: def?.name ?? m.key,
        description: def?.description ?? "",
        role: roles.get(m.key) ?? "secondary",
        statistic: m.type === "proportion" ? "proportion" : "mean",
        unit: def?.unit ?? "count",
        higherIsBetter: def?.higherIsBetter ?? true,
        variants: m.variants.map((v) => ({ ...v, name: names.get(v.id) ?? v.id })),
      };
    }),
    warnings: answer?.warnings ?? [],
    segments: (stats?.slices ?? []).map(segmentOption),
    segment: slice?.id ?? "all",
    timeseries: stats ? timeSeriesFor(stats, control, view) : [],
  };
}

export async function loadResultsDocument(exp: ExperimentWithParts, view?: ViewOptions, segment?: string): Promise<ResultsDocument> {
  const [good, newest] = await Promise.all([latestSucceeded(exp.id), latestAny(exp.id)]);
  return buildResultsDocument(exp, good, newest, view, segment);
}
