import { readFileSync } from "node:fs";
import path from "node:path";
import type { SufficientStats } from "@/lib/analysis/sufficient-stats";

// The bench's floor (scripts/bench-handwritten.sql): checkout-redesign's aggregates as one
// hand-written statement, and the check that it computes what the analysis stores. A floor that
// computed something else would make the bench's ratio meaningless.

export const FLOOR_EXPERIMENT = "checkout-redesign";
/** the floor's CUPED pre-period, as the analysis' covariate lookback */
const LOOKBACK_DAYS = 14;

export function floorSql(): string {
  return readFileSync(path.join(__dirname, "bench-handwritten.sql"), "utf8");
}

function shiftDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The floor's parameters for an experiment running from `startDate` to `endDate` (inclusive days). */
export function floorParams(startDate: string, endDate: string): Record<string, string> {
  return {
    start_date: startDate,
    end_date: endDate,
    events_from: shiftDays(startDate, -LOOKBACK_DAYS),
    analysis_end: `${shiftDays(endDate, 1)} 00:00:00`,
  };
}

/** Which floor column holds each stored sum of a metric: n, Σy, Σy², and the covariate's Σx, Σx², Σxy. */
const COLUMNS: Record<string, { n: string; sum: string; sumSquares: string; covariate: [string, string, string] }> = {
  purchases: { n: "users", sum: "purchases_sum", sumSquares: "purchases_sum", covariate: ["purchases_xsum", "purchases_xsum", "purchases_xysum"] },
  revenue: { n: "users", sum: "revenue_sum", sumSquares: "revenue_sumsq", covariate: ["revenue_xsum", "revenue_xsumsq", "revenue_xysum"] },
  add_to_cart: { n: "users", sum: "carts_sum", sumSquares: "carts_sum", covariate: ["carts_xsum", "carts_xsum", "carts_xysum"] },
  sessions: { n: "users", sum: "sessions_sum", sumSquares: "sessions_sumsq", covariate: ["sessions_xsum", "sessions_xsumsq", "sessions_xysum"] },
  d7_retained: { n: "d7_n", sum: "d7_sum", sumSquares: "d7_sum", covariate: ["d7_xsum", "d7_xsum", "d7_xysum"] },
};

export interface FloorComparison {
  /** numbers compared (users and every sum, per slice and variant) */
  compared: number;
  /** each disagreement: slice, variant, metric and field, both values */
  mismatches: string[];
}

/**
 * Compares the floor's rows (variant × platform × country × user type) with the sums an analysis
 * stored, for every slice (all users and each segment value), variant, metric and sum. Both sum
 * doubles, in different orders: equal to 1e-9 relative.
 */
export function compareFloor(rows: readonly Record<string, unknown>[], stats: SufficientStats): FloorComparison {
  const out: FloorComparison = { compared: 0, mismatches: [] };
  const check = (where: string, got: number | undefined, want: number) => {
    out.compared += 1;
    if (got === undefined || !(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)))) out.mismatches.push(`${where}: analysis ${got}, floor ${want}`);
  };
  const stored = new Set(stats.metrics.map((m) => m.key));
  for (const key of Object.keys(COLUMNS)) if (!stored.has(key)) out.mismatches.push(`the analysis has no metric ${key}`);
  for (const slice of stats.slices) {
    const inSlice = rows.filter((r) => slice.dimension === "all" || r[slice.dimension] === slice.value);
    for (const { key: variant } of stats.variants) {
      const cells = inSlice.filter((r) => r.variant === variant);
      const total = (column: string) => cells.reduce((a, r) => a + Number(r[column]), 0);
      const at = `${slice.id} ${variant}`;
      check(`${at} users`, slice.users[variant], total("users"));
      for (const [key, c] of Object.entries(COLUMNS)) {
        const m = slice.metrics.find((x) => x.key === key);
        const data = m && m.type !== "quantile" && m.type !== "ratio" ? m.data[variant] : undefined;
        check(`${at} ${key}.n`, data?.n, total(c.n));
        check(`${at} ${key}.sum`, data?.sum, total(c.sum));
        check(`${at} ${key}.sumSquares`, data?.sumSquares, total(c.sumSquares));
        check(`${at} ${key}.covariate.sum`, data?.covariate?.sum, total(c.covariate[0]));
        check(`${at} ${key}.covariate.sumSquares`, data?.covariate?.sumSquares, total(c.covariate[1]));
        check(`${at} ${key}.covariate.sumProduct`, data?.covariate?.sumProduct, total(c.covariate[2]));
      }
    }
  }
  return out;
}
