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
  /** null when the standard error is 0 or something overflowed; `problem` says which. */
  pValue: number | null;
  problem: 'zero variance' | 'overflow' | null;
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
  const relative = relativeLift(difference, treatment, control);
  const { estimate, se, df } = difference;
  if (!Number.isFinite(estimate) || !Number.isFinite(se)) return { difference, relative, pValue: null, problem: 'overflow', multiplier: () => NaN };
  if (!(se > 0 && df > 0)) return { difference, relative, pValue: null, problem: 'zero variance', multiplier: () => NaN };
  if (mode.sequential) {
    const n = treatment.n + control.n;
    return {
      difference,
      relative,
      pValue: sequentialPValue(estimate / se, n, mode.rho),
      problem: null,
      multiplier: (alpha) => sequentialMultiplier(alpha, n, mode.rho),
    };
  }
  return {
    difference,
    relative,
    pValue: welchPValue(difference),
    problem: null,
    multiplier: (alpha) => welchMultiplier(alpha, df),
  };
}
