// Welch's unequal-variance t comparison of two arms (Welch 1947; R's t.test(var.equal = FALSE)).
import type { Arm } from './arm';
import { ptTwoSided, qtUpper } from './distributions';

export interface Difference {
  /** Δ = μ_T − μ_C (CUPED-adjusted means when available). */
  estimate: number;
  /** se = √(σ²_T/n_T + σ²_C/n_C). */
  se: number;
  /** Welch–Satterthwaite degrees of freedom; NaN when both variances are 0; Infinity (normal) for normal arms. */
  df: number;
}

export function welchDifference(treatment: Arm, control: Arm): Difference {
  const vT = treatment.adjustedVariance / treatment.n;
  const vC = control.adjustedVariance / control.n;
  // √(v_T + v_C) without overflow when each variance is near the largest double
  const se = Number.isFinite(vT + vC) ? Math.sqrt(vT + vC) : Math.hypot(Math.sqrt(vT), Math.sqrt(vC));
  // ν = (v_T + v_C)² / (v_T²/(n_T−1) + v_C²/(n_C−1))  (Satterthwaite 1946), on v/max(v) so nothing overflows
  const top = Math.max(vT, vC);
  const a = vT / top;
  const c = vC / top;
  const welch = (a + c) ** 2 / ((a * a) / (treatment.n - 1) + (c * c) / (control.n - 1));
  const df = (treatment.normal || control.normal) && top > 0 ? Infinity : welch;
  return { estimate: treatment.adjustedMean - control.adjustedMean, se, df };
}

/** Two-sided p = 2·(1 − F_t(|Δ/se|, ν)). */
export function welchPValue(d: Difference): number {
  return ptTwoSided(d.estimate / d.se, d.df);
}

/** Half-width multiplier t(1 − α/2, ν) for a two-sided (1 − α) interval. */
export function welchMultiplier(alpha: number, df: number): number {
  return qtUpper(alpha / 2, df);
}
