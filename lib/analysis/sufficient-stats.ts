import type { MetricDefinition, MetricUnit } from "@/lib/metrics/define";
import { OTHER_SEGMENT, sliceId, type SegmentDimension } from "./segments";
import type { AggregateCell, AggregatesResult, CellMetric } from "./statements/aggregates";
import type { QuantileResult } from "./statements/quantile";
import { BRACKET_Z } from "./statements/quantile";
import type { TimeSeriesStats } from "./statements/timeseries";
import type { TrafficStats } from "./statements/traffic";
import { addMean, addRatio, emptyMean, emptyQuantile, emptyRatio, type MeanSums, type QuantileSummary, type RatioSums } from "./sums";

/**
 * What a snapshot stores: the sums the warehouse returned, folded into slices, plus what the
 * analysis knew at the time (the control variant, the metrics' definitions). Every number shown
 * anywhere is derived from this, so it is the one source of truth for results.
 */
export interface SufficientStats {
  version: 3;
  excludedUsers: number;
  /** the control variant at analysis time (the experiment may be edited later) */
  control: string;
  variants: { key: string; weight: number }[];
  /** the metrics as they were defined at analysis time, in the order reported */
  metrics: MetricMeta[];
  /** the whole population first ("all"), then one slice per segment value */
  slices: Slice[];
  /** cumulative statistics per day for declarative metrics (by exposure day and calendar day) */
  timeseries?: TimeSeriesStats[];
  /** users first exposed per calendar day and variant (snapshots since the health checks) */
  traffic?: TrafficStats;
}

export type MetricType = "mean" | "proportion" | "ratio" | "quantile";

export interface MetricMeta {
  key: string;
  name: string;
  description: string;
  type: MetricType;
  unit: MetricUnit;
  /** money metrics: ISO 4217 code */
  currency?: string;
  higherIsBetter: boolean;
  /** quantile metrics: the level, and whether of per-user values or of rows */
  quantile?: { level: number; of: "user" | "event" };
  /** ratio metrics: the metrics divided */
  ratio?: { numerator: string; denominator: string };
}

export type SliceMetric =
  | { key: string; type: "mean" | "proportion"; data: Record<string, MeanSums> }
  | { key: string; type: "ratio"; data: Record<string, RatioSums> }
  | { key: string; type: "quantile"; data: Record<string, QuantileSummary> };

export interface Slice {
  id: string;
  dimension: SegmentDimension | "all";
  value: string;
  /** users per variant key */
  users: Record<string, number>;
  metrics: SliceMetric[];
  /** the control's users split in two by a hash of the user id (absent on older snapshots) */
  placebo?: PlaceboSplit;
}

export const PLACEBO_HALVES = ["a", "b"] as const;
export type PlaceboHalf = (typeof PLACEBO_HALVES)[number];

/**
 * The placebo A/A of one slice: the control group's two hash halves, analysed like an experiment
 * with variants "a" and "b". Means, proportions and ratios only (quantiles do not add up).
 */
export interface PlaceboSplit {
  users: Record<PlaceboHalf, number>;
  metrics: SliceMetric[];
}

export function metricType(m: MetricDefinition): MetricType {
  return m.kind === "ratio" ? "ratio" : m.statistic;
}

export function metricMeta(m: MetricDefinition): MetricMeta {
  const meta: MetricMeta = {
    key: m.key,
    name: m.name,
    description: m.description ?? "",
    type: metricType(m),
    unit: m.unit ?? (m.kind === "events" && m.aggregate === "days" ? "days" : "count"),
    higherIsBetter: m.higherIsBetter ?? true,
  };
  if (m.currency) meta.currency = m.currency;
  if (m.kind === "events" && m.statistic === "quantile") meta.quantile = { level: m.quantile ?? 0.5, of: m.level ?? "user" };
  if (m.kind === "ratio") meta.ratio = { numerator: m.numerator, denominator: m.denominator };
  return meta;
}

/** The slices a cell (one variant × one combination of segment values) adds to: all users, and one per dimension. */
function slicesOf(segments: Partial<Record<SegmentDimension, string>>, dims: readonly SegmentDimension[]) {
  const out: { dimension: SegmentDimension | "all"; value: string }[] = [{ dimension: "all", value: "all" }];
  for (const dim of dims) out.push({ dimension: dim, value: segments[dim] ?? "(none)" });
  return out;
}

function addCellMetric(a: CellMetric | undefined, b: CellMetric): CellMetric {
  if (!a) return b;
  if (a.type === "ratio" && b.type === "ratio") return { type: "ratio", ...addRatio(a, b) };
  if (a.type !== "ratio" && b.type !== "ratio") return { type: a.type, ...addMean(a, b) };
  throw new Error("cannot add a ratio to a mean");
}

const strip = <T extends { type: string }>(c: T): Omit<T, "type"> => {
  const { type: _type, ...rest } = c;
  return rest;
};

export interface MergeInput {
  metrics: readonly MetricDefinition[];
  traffic?: TrafficStats;
  variants: { key: string; weight: number }[];
  control: string;
  segments: readonly SegmentDimension[];
  covariates: boolean;
  aggregates: AggregatesResult;
  quantiles: readonly QuantileResult[];
  timeseries?: TimeSeriesStats[];
}

/**
 * Folds the statements' decoded results into one SufficientStats: aggregate cells are added up
 * into the whole population and each segment slice; quantiles, which do not add up, are placed
 * in the slice they were computed for. Variants with no users get zeros (or empty quantiles).
 */
export function mergeResults(input: MergeInput): SufficientStats {
  type Sums = { users: Map<string, number>; metrics: Map<string, Map<string, CellMetric>> };
  const emptySums = (): Sums => ({ users: new Map(), metrics: new Map() });
  const add = (into: Sums, group: string, cell: AggregateCell) => {
    into.users.set(group, (into.users.get(group) ?? 0) + cell.users);
    for (const [key, stats] of Object.entries(cell.metrics)) {
      const perGroup = into.metrics.get(key) ?? new Map<string, CellMetric>();
      perGroup.set(group, addCellMetric(perGroup.get(group), stats));
      into.metrics.set(key, perGroup);
    }
  };
  const grouped = new Map<string, { dimension: SegmentDimension | "all"; value: string } & Sums & { placebo: Sums }>();
  grouped.set("all", { dimension: "all", value: "all", ...emptySums(), placebo: emptySums() });
  for (const cell of input.aggregates.cells) {
    for (const { dimension, value } of slicesOf(cell.segments, input.segments)) {
      const id = sliceId(dimension, value);
      const slice = grouped.get(id) ?? { dimension, value, ...emptySums(), placebo: emptySums() };
      add(slice, cell.variant, cell);
      if (cell.variant === input.control) add(slice.placebo, PLACEBO_HALVES[cell.half], cell);
      grouped.set(id, slice);
    }
  }
  const quantiles = new Map(input.quantiles.map((q) => [q.metric, q]));
  /** Each aggregated metric's sums per group (variant or placebo half), zeros where a group had no users. */
  const summed = (m: MetricDefinition, sums: Sums, groups: readonly string[]): SliceMetric => {
    const type = metricType(m);
    const perGroup = <T>(make: (group: string) => T) => Object.fromEntries(groups.map((g) => [g, make(g)]));
    const cells = sums.metrics.get(m.key);
    if (type === "ratio") return { key: m.key, type, data: perGroup((g) => { const c = cells?.get(g); return c && c.type === "ratio" ? strip(c) : emptyRatio(input.covariates); }) };
    if (type === "quantile") throw new Error(`quantile metric ${m.key} has no sums`);
    return {
      key: m.key,
      type,
      data: perGroup((g) => {
        const c = cells?.get(g);
        return c && c.type !== "ratio" ? strip(c) : emptyMean(input.covariates);
      }),
    };
  };
  const slices: Slice[] = [...grouped].map(([id, s]) => ({
    id,
    dimension: s.dimension,
    value: s.value,
    users: Object.fromEntries(input.variants.map((v) => [v.key, s.users.get(v.key) ?? 0])),
    placebo: {
      users: { a: s.placebo.users.get("a") ?? 0, b: s.placebo.users.get("b") ?? 0 },
      metrics: input.metrics.filter((m) => metricType(m) !== "quantile").map((m) => summed(m, s.placebo, PLACEBO_HALVES)),
    },
    metrics: input.metrics.map((m): SliceMetric => {
      const type = metricType(m);
      const perVariant = <T>(make: (variant: string) => T) => Object.fromEntries(input.variants.map((v) => [v.key, make(v.key)]));
      if (type === "quantile") {
        const found = quantiles.get(m.key)?.slices[id] ?? {};
        const level = m.kind === "events" ? (m.quantile ?? 0.5) : 0.5;
        return { key: m.key, type, data: perVariant((v) => found[v] ?? emptyQuantile(level, BRACKET_Z)) };
      }
      return summed(m, s, input.variants.map((v) => v.key));
    }),
  }));
  // the whole population first, then by dimension (plan order), larger slices first, "other" last
  const rank = (sl: Slice) => (sl.dimension === "all" ? -1 : input.segments.indexOf(sl.dimension));
  const size = (sl: Slice) => Object.values(sl.users).reduce((a, n) => a + n, 0);
  slices.sort((a, b) => rank(a) - rank(b) || Number(a.value === OTHER_SEGMENT) - Number(b.value === OTHER_SEGMENT) || size(b) - size(a));
  return {
    version: 3,
    excludedUsers: input.aggregates.excludedUsers,
    control: input.control,
    variants: input.variants,
    metrics: input.metrics.map(metricMeta),
    slices,
    ...(input.timeseries ? { timeseries: input.timeseries } : {}),
    ...(input.traffic ? { traffic: input.traffic } : {}),
  };
}

export function findSlice(stats: SufficientStats, id: string): Slice | undefined {
  return stats.slices.find((s) => s.id === id);
}

// ---- snapshots written before version 3 ----

interface V2Stats {
  version: 2;
  excludedUsers: number;
  control?: string;
  variants: { key: string; weight: number }[];
  slices: {
    id: string;
    dimension: SegmentDimension | "all";
    value: string;
    users: Record<string, number>;
    metrics: { key: string; statistic: "mean" | "proportion"; data: Record<string, { n: { sum: number; sumSquares: number }; pct: { sum: number }; covariate?: MeanSums["covariate"] }> }[];
  }[];
  timeseries?: TimeSeriesStats[];
}

/** Version 2 stored both per-user sums of every metric; the statistic says which one it reported. */
function upgradeV2(s: V2Stats, fallbackControl: string, describe: (key: string) => MetricMeta | undefined): SufficientStats {
  const first = s.slices[0];
  const metrics: MetricMeta[] = (first?.metrics ?? []).map(
    (m) => ({ ...(describe(m.key) ?? { key: m.key, name: m.key, description: "", unit: "count", higherIsBetter: true }), type: m.statistic }) as MetricMeta,
  );
  return {
    version: 3,
    excludedUsers: s.excludedUsers,
    control: s.control ?? fallbackControl,
    variants: s.variants,
    metrics,
    slices: s.slices.map((sl) => ({
      ...sl,
      metrics: sl.metrics.map((m) => ({
        key: m.key,
        type: m.statistic,
        data: Object.fromEntries(
          Object.entries(m.data).map(([variant, d]) => {
            const n = sl.users[variant] ?? 0;
            const sums = m.statistic === "proportion" ? { n, sum: d.pct.sum, sumSquares: d.pct.sum } : { n, sum: d.n.sum, sumSquares: d.n.sumSquares };
            return [variant, d.covariate ? { ...sums, covariate: d.covariate } : sums];
          }),
        ),
      })),
    })),
    ...(s.timeseries ? { timeseries: s.timeseries } : {}),
  };
}

/**
 * A snapshot's stored statistics in the current shape (older versions upgraded); null when it has
 * none. `describe` names metrics of snapshots that did not store their definitions.
 */
export function parseSufficientStats(
  json: string | null,
  fallbackControl: string,
  describe: (key: string) => MetricMeta | undefined = () => undefined,
): SufficientStats | null {
  if (!json) return null;
  const raw = JSON.parse(json) as { version?: number };
  if (raw.version === 3) return raw as SufficientStats;
  if (raw.version === 2) return upgradeV2(raw as V2Stats, fallbackControl, describe);
  throw new Error(`stored statistics of version ${String(raw.version)} cannot be read by this version of the app`);
}
