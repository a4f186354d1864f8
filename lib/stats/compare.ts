// One treatment-vs-control comparison: difference, relative lift, p-value and an interval
// function of α, in fixed-horizon (Welch t) or sequential (confidence sequence) mode.
import type { Arm } from './arm';
import { type RelativeLift, relativeLift } from './relative';
import { sequentialMultiplier, sequentialPValue } from './sequential';
import type { Interval } from './types';
import { type Difference, welchDifference, welchMultiplier, welchPValue } from './welch';

export interface InferenceMode {
  sequential: boolean;
  /** Confidence-sequence mixing parameter (sequential mode only). */
  rho: number;
}

export interface Comparison {
  difference: Difference;
  relative: RelativeLift | null;
  /** null when the standard error is 0 (no variance in either arm). */
  pValue: number | null;
  /** Half-width multiplier of the (1 − α) interval, in standard errors. */
  multiplier: (alpha: number) => number;
}

/** A fresh all-null interval (fresh, because the sanitizer may write into the answer). */
export const nullInterval = (): Interval => ({ estimate: null, ciLow: null, ciHigh: null });

/** estimate ± multiplier·se */
export function interval(estimate: number, se: number, multiplier: number): Interval {
  return { estimate, ciLow: estimate - multiplier * se, ciHigh: estimate + multiplier * se };
}

export function compare(treatment: Arm, control: Arm, mode: InferenceMode): Comparison {
  const difference = welchDifference(treatment, control);
  const relative = relativeLift(difference, control);
  const informative = difference.se > 0 && Number.isFinite(difference.df);
  if (!informative) return { difference, relative, pValue: null, multiplier: () => NaN };
  if (mode.sequential) {
    const n = treatment.n + control.n;
    return {
      difference,
      relative,
      pValue: sequentialPValue(difference.estimate / difference.se, n, mode.rho),
      multiplier: (alpha) => sequentialMultiplier(alpha, n, mode.rho),
    };
  }
  return {
    difference,
    relative,
    pValue: welchPValue(difference),
    multiplier: (alpha) => welchMultiplier(alpha, difference.df),
  };
}
