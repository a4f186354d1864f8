// Per-variant estimates that every comparison is built from.

/**
 * One variant of one metric. `mean`/`variance` are the raw per-unit estimates (shown to the user,
 * and the relative lift's denominator). The `adjusted*` fields are what the difference uses: equal
 * to the raw ones unless CUPED replaced them.
 */
export interface Arm {
  n: number;
  mean: number;
  /** Per-unit variance: Var(mean) = variance / n. */
  variance: number;
  adjustedMean: number;
  adjustedVariance: number;
  /** Per-unit Cov(adjusted value, raw value); equals `variance` without CUPED. */
  adjustedRawCovariance: number;
  cuped: boolean;
  /**
   * The estimate is asymptotically normal with a known standard error (quantiles): comparisons use
   * the normal distribution, not Welch's t with n − 1 degrees of freedom.
   */
  normal?: boolean;
}

/** A variant's estimate, or why there is none. */
export type ArmOutcome = { ok: true; arm: Arm } | { ok: false; reason: string };

export function unadjustedArm(n: number, mean: number, variance: number): Arm {
  return { n, mean, variance, adjustedMean: mean, adjustedVariance: variance, adjustedRawCovariance: variance, cuped: false };
}

export const fail = (reason: string): ArmOutcome => ({ ok: false, reason });
export const succeed = (arm: Arm): ArmOutcome => ({ ok: true, arm });
