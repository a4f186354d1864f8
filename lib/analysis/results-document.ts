import { loadCatalog } from "@/lib/metrics/registry";
import type { MetricUnit } from "@/lib/metrics/define";
import type { SrmResult, VariantResult } from "@/lib/stats";
import { runEngine } from "./engine";
import { scrubInternals } from "@/lib/public-error";
import type { ExperimentWithParts, Role } from "./experiments";
import { latestAny, latestSucceeded, type SnapshotRow } from "./store";
import { SEGMENT_LABELS } from "./segments";
import { DEFAULT_VIEW, toStatsRequest, type ViewOptions } from "./stats-request";
import { findSlice, metricMeta, parseSufficientStats, type MetricMeta, type MetricType, type Slice, type SufficientStats } from "./sufficient-stats";
import { timeSeriesFor, type TimeSeries } from "./timeseries";
import { phaseLabelsFor, type PhaseChoice } from "./phases";
import { healthOf, type Health } from "./health";
import { segmentTables, type SegmentTable } from "./segment-results";

/** The planned MDE of experiments stored before they had one. */
export const DEFAULT_PLANNED_MDE = 0.05;

export interface SnapshotSummary {
  /** null for an ad-hoc analysis that was not stored */
  id: number | null;
  /** #1, #2, … within the experiment (null for an ad-hoc analysis) */
  number: number | null;
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
  statistic: MetricType;
  unit: MetricUnit;
  /** money metrics: ISO 4217 code */
  currency: string | null;
  higherIsBetter: boolean;
  /** quantile metrics: the level, of per-user values or of rows */
  quantile?: MetricMeta["quantile"];
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
    /** relative lift the test is sized to detect on its primary metric */
    plannedMde: number;
    archivedAt: string | null;
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
  /** traffic, SRM, multiple exposures, pre-exposure bias and the placebo A/A (null before an analysis) */
  health: Health | null;
  /** every segment dimension × metric, values side by side (empty when not asked for, see `detail`) */
  segmentTables: SegmentTable[];
}

/** What to derive beyond the headline numbers: the list needs no time series or segment tables. */
export interface DocumentOptions {
  detail?: boolean;
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
    number: s.number ?? null,
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

type ExperimentInfo = Pick<ExperimentWithParts, "id" | "name" | "hypothesis" | "owner" | "status" | "startDate" | "endDate" | "controlVariant" | "variants" | "metrics"> &
  Partial<Pick<ExperimentWithParts, "plannedMde" | "archivedAt">>;

/**
 * Every number of a view, derived from stored sufficient statistics (no warehouse query): the
 * one function behind the page, the list, the JSON API, the report and the CLI.
 */
export function resultsFromStats(
  exp: ExperimentInfo,
  stats: SufficientStats | null,
  summary: { snapshot: SnapshotSummary | null; lastFailure: SnapshotSummary | null },
  view: ViewOptions = DEFAULT_VIEW,
  segment = "all",
  options: DocumentOptions = {},
): ResultsDocument {
  const detail = options.detail ?? true;
  const names = new Map(exp.variants.map((v) => [v.key, v.name]));
  const roles = new Map(exp.metrics.map((m) => [m.metricKey, m.role as Role]));
  const slice = stats ? (findSlice(stats, segment) ?? stats.slices[0]) : undefined;
  // the snapshot's own control: the experiment's definition may have changed since
  const control = stats?.control ?? exp.controlVariant;
  const answer = stats && slice ? runEngine(toStatsRequest(stats, slice, control, view)) : null;
  const meta = new Map((stats?.metrics ?? []).map((m) => [m.key, m]));
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
      plannedMde: exp.plannedMde ?? DEFAULT_PLANNED_MDE,
      archivedAt: exp.archivedAt?.toISOString() ?? null,
    },
    snapshot: summary.snapshot,
    lastFailure: summary.lastFailure,
    view,
    users: (stats?.variants ?? []).map((v) => ({ variant: v.key, name: names.get(v.key) ?? v.key, users: slice?.users[v.key] ?? 0 })),
    excludedUsers: stats?.excludedUsers ?? 0,
    srm: answer?.srm ?? null,
    metrics: (answer?.metrics ?? []).map((m) => {
      const def = meta.get(m.key);
      return {
        key: m.key,
        name: def?.name ?? m.key,
        description: def?.description ?? "",
        role: roles.get(m.key) ?? "secondary",
        statistic: def?.type ?? m.type,
        unit: def?.unit ?? "count",
        currency: def?.currency ?? null,
        higherIsBetter: def?.higherIsBetter ?? true,
        ...(def?.quantile ? { quantile: def.quantile } : {}),
        variants: m.variants.map((v) => ({ ...v, name: names.get(v.id) ?? v.id })),
      };
    }),
    warnings: answer?.warnings ?? [],
    segments: (stats?.slices ?? []).map(segmentOption),
    segment: slice?.id ?? "all",
    timeseries: stats && detail ? timeSeriesFor(stats, control, view) : [],
    health: stats ? healthOf(stats, view) : null,
    segmentTables: stats && detail ? segmentTables(stats, control, view) : [],
  };
}

/** The results of an experiment's latest good snapshot, with the newest failure after it. */
export function buildResultsDocument(
  exp: ExperimentInfo,
  good: SnapshotRow | null,
  newest: SnapshotRow | null,
  view: ViewOptions = DEFAULT_VIEW,
  segment = "all",
  describe: (key: string) => MetricMeta | undefined = () => undefined,
  options: DocumentOptions = {},
): ResultsDocument {
  const stats = good ? parseSufficientStats(good.sufficientStats, exp.controlVariant, describe) : null;
  const failedLater = newest && newest.status === "failed" && (!good || newest.id > good.id) ? newest : null;
  return resultsFromStats(exp, stats, { snapshot: good ? summarize(good) : null, lastFailure: failedLater ? summarize(failedLater) : null }, view, segment, options);
}

/** One stored snapshot's full results (a past one, viewed at /experiments/<id>/snapshots/<n>). */
export async function loadSnapshotDocument(exp: ExperimentWithParts, snapshot: SnapshotRow, view?: ViewOptions, segment?: string): Promise<ResultsDocument> {
  const describe = await metricDescriber();
  return buildResultsDocument(exp, snapshot.status === "succeeded" ? snapshot : null, snapshot, view, segment, describe);
}

/** Names metrics of snapshots stored before they kept their definitions, from the current catalog. */
export async function metricDescriber(): Promise<(key: string) => MetricMeta | undefined> {
  const catalog = await loadCatalog();
  return (key) => {
    const def = catalog.metrics.get(key);
    return def ? metricMeta(def) : undefined;
  };
}

/** `phase`: the results of runs that covered it (issue 13); the current phase by default. */
export async function loadResultsDocument(exp: ExperimentWithParts, view?: ViewOptions, segment?: string, phase?: PhaseChoice): Promise<ResultsDocument> {
  const labels = phaseLabelsFor(exp, phase);
  const [good, newest, describe] = await Promise.all([latestSucceeded(exp.id, labels), latestAny(exp.id, labels), metricDescriber()]);
  return buildResultsDocument(exp, good, newest, view, segment, describe);
}
