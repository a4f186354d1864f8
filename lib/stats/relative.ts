// Relative lift Δ/|μ_C| and its delta-method standard error.
import type { Arm } from './arm';
import type { Difference } from './welch';

export interface RelativeLift {
  estimate: number;
  se: number;
}

/**
 * r = Δ/|μ_C| with Var(r) ≈ Var(Δ)/μ_C² + Δ²Var(ȳ_C)/μ_C⁴ − 2Δ·Cov(Δ, ȳ_C)/μ_C³ (first-order delta method).
 * Without CUPED Cov(Δ, ȳ_C) = −σ²_C/n_C, and this reduces to STATS-CLI.md's
 * σ²_T/(n_T μ_C²) + σ²_C μ_T²/(n_C μ_C⁴). With CUPED Δ is adjusted but μ_C is raw, so
 * Cov(Δ, ȳ_C) = −Cov(y_C − θx_C, y_C)/n_C. Returns null when μ_C = 0.
 */
export function relativeLift(diff: Difference, control: Arm): RelativeLift | null {
  const mu = control.mean;
  if (mu === 0 || !Number.isFinite(mu)) return null;
  const d = diff.estimate;
  const varDiff = diff.se * diff.se;
  const varControlMean = control.variance / control.n;
  const covDiffControlMean = -control.adjustedRawCovariance / control.n;
  const mu2 = mu * mu;
  const variance = varDiff / mu2 + (d * d * varControlMean) / (mu2 * mu2) - (2 * d * covDiffControlMean) / (mu2 * mu);
  return { estimate: d / Math.abs(mu), se: Math.sqrt(Math.max(0, variance)) };
}
