import type { MetricDefinition, MetricStatistic } from "@/lib/metrics/define";
import type { Row } from "@/lib/warehouse/types";

/** What the warehouse returned, in a stable shape: enough to recompute every number on the page. */
export interface SufficientStats {
  version: 1;
  excludedUsers: number;
  variants: { key: string; weight: number; users: number }[];
  metrics: MetricStats[];
}

export interface Moments {
  sum: number;
  sumSquares: number;
}

export interface MetricStats {
  key: string;
  statistic: MetricStatistic;
  /** per variant key */
  data: Record<string, { n: Moments; pct: { sum: number }; covariate?: { sum: number; sumSquares: number; sumProduct: number } }>;
}

function num(row: Row, column: string): number {
  const v = row[column];
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : v === null || v === undefined ? 0 : NaN;
  if (!Number.isFinite(n)) throw new Error(`the warehouse returned a non-numeric ${column}: ${String(v)}`);
  return n;
}

/** Folds the aggregate rows into SufficientStats; variants with no exposed users get zeros. */
export function toSufficientStats(
  rows: Row[],
  variants: { key: string; weight: number }[],
  metrics: MetricDefinition[],
  withCovariates: boolean,
): SufficientStats {
  const byVariant = new Map(rows.map((r) => [String(r.variant), r]));
  const excluded = rows.length ? num(rows[0] as Row, "excluded_users") : 0;
  const unknown = [...byVariant.keys()].filter((k) => !variants.some((v) => v.key === k));
  if (unknown.length) throw new Error(`the warehouse returned unplanned variants: ${unknown.join(", ")}`);
  return {
    version: 1,
    excludedUsers: excluded,
    variants: variants.map((v) => ({ ...v, users: byVariant.has(v.key) ? num(byVariant.get(v.key) as Row, "users") : 0 })),
    metrics: metrics.map((m) => ({
      key: m.key,
      statistic: m.statistic,
      data: Object.fromEntries(
        variants.map((v) => {
          const r = byVariant.get(v.key) ?? {};
          const entry: MetricStats["data"][string] = {
            n: { sum: num(r, `n_${m.key}_sum`), sumSquares: num(r, `n_${m.key}_sumsq`) },
            pct: { sum: num(r, `pct_${m.key}_sum`) },
          };
          if (withCovariates) {
            entry.covariate = {
              sum: num(r, `x_${m.key}_sum`),
              sumSquares: num(r, `x_${m.key}_sumsq`),
              sumProduct: num(r, `xy_${m.key}_sum`),
            };
          }
          return [v.key, entry];
        }),
      ),
    })),
  };
}
