// Typed statistic objects decoded from the warehouse. Means, proportions and ratios are sums, so
// they add up across segment cells (and days); quantiles are not, and come per slice.
import type { RatioCovariateSums } from "@/lib/stats";

/** Σx, Σx², Σxy of the pre-exposure covariate x (CUPED). */
export interface CovariateSums {
  sum: number;
  sumSquares: number;
  sumProduct: number;
}

/** Users counted (n), Σy and Σy² of their values; for proportions y is 0/1, so Σy² = Σy. */
export interface MeanSums {
  n: number;
  sum: number;
  sumSquares: number;
  covariate?: CovariateSums;
}

// CUPED for a ratio: the stats engine's own input shape (the pre-exposure numerator and
// denominator, and their products with the post-exposure ones), so the two cannot drift apart.
export type { RatioCovariateSums };

/** Users counted, Σ numerator, Σ numerator², Σ denominator, Σ denominator², Σ numerator·denominator. */
export interface RatioSums {
  n: number;
  sum: number;
  sumSquares: number;
  denominatorSum: number;
  denominatorSumSquares: number;
  sumProduct: number;
  covariate?: RatioCovariateSums;
}

/**
 * A quantile of one variant in one slice, as the stats engine takes it: the sample quantile and
 * the sample quantiles at the levels p ∓ bracketZ·√(p(1−p)/effectiveN) (clamped to [0, 1]).
 * n: observations (users for user-level quantiles, rows for event-level ones); effectiveN: n for
 * user-level, the cluster-adjusted n* = p(1−p)/Var̂(p̂) for event-level. Null where nothing was
 * observed (n = 0) or the variance is 0.
 */
export interface QuantileSummary {
  n: number;
  quantile: {
    level: number;
    estimate: number | null;
    lower: number | null;
    upper: number | null;
    bracketZ: number;
    effectiveN: number | null;
  };
  /** users behind the observations (event-level: users with at least one row) */
  users: number;
}

export function addCovariate(a: CovariateSums | undefined, b: CovariateSums | undefined): CovariateSums | undefined {
  if (!a) return b && { ...b };
  if (!b) return { ...a };
  return { sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares, sumProduct: a.sumProduct + b.sumProduct };
}

export function addMean(a: MeanSums, b: MeanSums): MeanSums {
  const covariate = addCovariate(a.covariate, b.covariate);
  return { n: a.n + b.n, sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares, ...(covariate ? { covariate } : {}) };
}

const RATIO_COVARIATE_FIELDS = [
  "sum",
  "sumSquares",
  "denominatorSum",
  "denominatorSumSquares",
  "sumProduct",
  "numeratorPreNumerator",
  "numeratorPreDenominator",
  "denominatorPreNumerator",
  "denominatorPreDenominator",
] as const;

export function addRatioCovariate(a: RatioCovariateSums | undefined, b: RatioCovariateSums | undefined): RatioCovariateSums | undefined {
  if (!a) return b && { ...b };
  if (!b) return { ...a };
  return Object.fromEntries(RATIO_COVARIATE_FIELDS.map((k) => [k, a[k] + b[k]])) as unknown as RatioCovariateSums;
}

export function addRatio(a: RatioSums, b: RatioSums): RatioSums {
  const covariate = addRatioCovariate(a.covariate, b.covariate);
  return {
    n: a.n + b.n,
    sum: a.sum + b.sum,
    sumSquares: a.sumSquares + b.sumSquares,
    denominatorSum: a.denominatorSum + b.denominatorSum,
    denominatorSumSquares: a.denominatorSumSquares + b.denominatorSumSquares,
    sumProduct: a.sumProduct + b.sumProduct,
    ...(covariate ? { covariate } : {}),
  };
}

export const emptyMean = (covariate: boolean): MeanSums => ({ n: 0, sum: 0, sumSquares: 0, ...(covariate ? { covariate: { sum: 0, sumSquares: 0, sumProduct: 0 } } : {}) });
export const emptyRatio = (covariate = false): RatioSums => ({
  n: 0,
  sum: 0,
  sumSquares: 0,
  denominatorSum: 0,
  denominatorSumSquares: 0,
  sumProduct: 0,
  ...(covariate ? { covariate: Object.fromEntries(RATIO_COVARIATE_FIELDS.map((k) => [k, 0])) as unknown as RatioCovariateSums } : {}),
});
export const emptyQuantile = (level: number, bracketZ: number): QuantileSummary => ({
  n: 0,
  users: 0,
  quantile: { level, estimate: null, lower: null, upper: null, bracketZ, effectiveN: null },
});
