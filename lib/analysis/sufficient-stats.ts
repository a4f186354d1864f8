import type { MetricDefinition, MetricStatistic } from "@/lib/metrics/define";
import type { Row } from "@/lib/warehouse/types";
import { OTHER_SEGMENT, sliceId, type SegmentDimension } from "./segments";
import type { TimeSeriesStats } from "./timeseries";

/** What the warehouse returned, in a stable shape: enough to recompute every number on the page. */
export interface SufficientStats {
  version: 2;
  excludedUsers: number;
  /** the control variant at analysis time (the experiment may be edited later) */
  control?: string;
  variants: { key: string; weight: number }[];
  /** the whole population first ("all"), then one slice per segment value */
  slices: Slice[];
  /** cumulative statistics per day for declarative metrics (by exposure day and calendar day) */
  timeseries?: TimeSeriesStats[];
}

export interface Slice {
  id: string;
  dimension: SegmentDimension | "all";
  value: string;
  /** users per variant key */
  users: Record<string, number>;
  metrics: MetricStats[];
}

export interface Moments {
  sum: number;
  sumSquares: number;
}

export interface VariantMetricStats {
  n: Moments;
  pct: { sum: number };
  covariate?: { sum: number; sumSquares: number; sumProduct: number };
}

export interface MetricStats {
  key: string;
  statistic: MetricStatistic;
  /** per variant key */
  data: Record<string, VariantMetricStats>;
}

function num(row: Row, column: string): number {
  const v = row[column];
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : v === null || v === undefined ? 0 : NaN;
  if (!Number.isFinite(n)) throw new Error(`the warehouse returned a non-numeric ${column}: ${String(v)}`);
  return n;
}

/** The slices a cell (one variant × one combination of segment values) adds to: all users, and one per dimension. */
function slicesOf(row: Row, segments: SegmentDimension[]): { dimension: SegmentDimension | "all"; value: string }[] {
  const out: { dimension: SegmentDimension | "all"; value: string }[] = [{ dimension: "all", value: "all" }];
  for (const dim of segments) {
    const v = row[`seg_${dim}`];
    out.push({ dimension: dim, value: v === null || v === undefined ? "(none)" : String(v) });
  }
  return out;
}

/** Adds a cell's statistics into a slice's running totals (every aggregate column is a sum). */
function addCell(total: Row | undefined, cell: Row): Row {
  const out: Row = { ...(total ?? {}) };
  for (const [column, value] of Object.entries(cell)) {
    if (column === "variant" || column === "excluded_users" || column.startsWith("seg_")) continue;
    out[column] = (total ? num(total, column) : 0) + num(cell, column);
  }
  return out;
}

function metricData(row: Row | undefined, m: MetricDefinition, withCovariates: boolean): VariantMetricStats {
  const r = row ?? {};
  const entry: VariantMetricStats = {
    n: { sum: num(r, `n_${m.key}_sum`), sumSquares: num(r, `n_${m.key}_sumsq`) },
    pct: { sum: num(r, `pct_${m.key}_sum`) },
  };
  if (withCovariates) {
    entry.covariate = { sum: num(r, `x_${m.key}_sum`), sumSquares: num(r, `x_${m.key}_sumsq`), sumProduct: num(r, `xy_${m.key}_sum`) };
  }
  return entry;
}

/** Folds the aggregate cells into SufficientStats, one slice per segment value; variants with no exposed users get zeros. */
export function toSufficientStats(
  rows: Row[],
  variants: { key: string; weight: number }[],
  metrics: MetricDefinition[],
  withCovariates: boolean,
  segments: SegmentDimension[] = [],
): SufficientStats {
  const unknown = [...new Set(rows.map((r) => String(r.variant)))].filter((k) => !variants.some((v) => v.key === k));
  if (unknown.length) throw new Error(`the warehouse returned unplanned variants: ${unknown.join(", ")}`);
  const grouped = new Map<string, { dimension: SegmentDimension | "all"; value: string; rows: Map<string, Row> }>();
  grouped.set("all", { dimension: "all", value: "all", rows: new Map() });
  for (const row of rows) {
    for (const { dimension, value } of slicesOf(row, segments)) {
      const id = sliceId(dimension, value);
      const slice = grouped.get(id) ?? { dimension, value, rows: new Map() };
      const variant = String(row.variant);
      slice.rows.set(variant, addCell(slice.rows.get(variant), row));
      grouped.set(id, slice);
    }
  }
  const slices: Slice[] = [...grouped].map(([id, s]) => ({
    id,
    dimension: s.dimension,
    value: s.value,
    users: Object.fromEntries(variants.map((v) => [v.key, s.rows.has(v.key) ? num(s.rows.get(v.key) as Row, "users") : 0])),
    metrics: metrics.map((m) => ({
      key: m.key,
      statistic: m.statistic,
      data: Object.fromEntries(variants.map((v) => [v.key, metricData(s.rows.get(v.key), m, withCovariates)])),
    })),
  }));
  // the whole population first, then by dimension (plan order), larger slices first, "other" last
  const rank = (sl: Slice) => (sl.dimension === "all" ? -1 : segments.indexOf(sl.dimension));
  const size = (sl: Slice) => Object.values(sl.users).reduce((a, n) => a + n, 0);
  slices.sort((a, b) => rank(a) - rank(b) || Number(a.value === OTHER_SEGMENT) - Number(b.value === OTHER_SEGMENT) || size(b) - size(a));
  return {
    version: 2,
    excludedUsers: rows.length ? num(rows[0] as Row, "excluded_users") : 0,
    variants,
    slices,
  };
}

export function findSlice(stats: SufficientStats, id: string): Slice | undefined {
  return stats.slices.find((s) => s.id === id);
}
