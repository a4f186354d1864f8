// Welch's unequal-variance t comparison of two arms (Welch 1947; R's t.test(var.equal = FALSE)).
import type { Arm } from './arm';
import { ptTwoSided, qtUpper } from './distributions';

export interface Difference {
  /** Δ = μ_T − μ_C (CUPED-adjusted means when available). */
  estimate: number;
  /** se = √(σ²_T/n_T + σ²_C/n_C). */
  se: number;
  /** Welch–Satterthwaite degrees of freedom; NaN when both variances are 0. */
  df: number;
}

export function welchDifference(treatment: Arm, control: Arm): Difference {
  const vT = treatment.adjustedVariance / treatment.n;
  const vC = control.adjustedVariance / control.n;
  // ν = (v_T + v_C)² / (v_T²/(n_T−1) + v_C²/(n_C−1))  (Satterthwaite 1946)
  const df = (vT + vC) ** 2 / ((vT * vT) / (treatment.n - 1) + (vC * vC) / (control.n - 1));
  return { estimate: treatment.adjustedMean - control.adjustedMean, se: Math.sqrt(vT + vC), df };
}

/** Two-sided p = 2·(1 − F_t(|Δ/se|, ν)). */
export function welchPValue(d: Difference): number {
  return ptTwoSided(d.estimate / d.se, d.df);
}

/** Half-width multiplier t(1 − α/2, ν) for a two-sided (1 − α) interval. */
export function welchMultiplier(alpha: number, df: number): number {
  return qtUpper(alpha / 2, df);
}
