// Relative lift Δ/|μ_C| and its delta-method standard error.
import type { Arm } from './arm';
import type { Difference } from './welch';

export interface RelativeLift {
  estimate: number;
  se: number;
}

/**
 * r = Δ/|μ_C| with Var(r) ≈ Var(Δ)/μ_C² + Δ²Var(ȳ_C)/μ_C⁴ − 2Δ·Cov(Δ, ȳ_C)/μ_C³ (first-order delta method).
 * Without CUPED this is STATS-CLI.md's σ²_T/(n_T μ_C²) + σ²_C μ_T²/(n_C μ_C⁴), computed in that form:
 * a sum of squares, so "the treatment is all zeros" (σ²_T = μ_T = 0) gives exactly 0 instead of
 * rounding noise. With CUPED Δ is adjusted but μ_C is raw: the control's term is
 * Var(u + r·y)/(n_C μ_C²) for u = y − θx, r = Δ/μ_C, i.e. (σ²_u + r²σ²_y + 2r·Cov(u, y))/(n_C μ_C²).
 * Everything is divided by μ_C early, so sums near the largest double do not overflow.
 * Returns null when μ_C = 0.
 */
export function relativeLift(diff: Difference, treatment: Arm, control: Arm): RelativeLift | null {
  const mu = control.mean;
  if (mu === 0 || !Number.isFinite(mu)) return null;
  const estimate = diff.estimate / Math.abs(mu);
  const treatmentTerm = Math.sqrt(treatment.adjustedVariance / treatment.n) / mu;
  if (!treatment.cuped && !control.cuped) {
    const controlTerm = (Math.sqrt(control.variance / control.n) * (treatment.mean / mu)) / mu;
    return { estimate, se: Math.hypot(treatmentTerm, controlTerm) };
  }
  const r = diff.estimate / mu;
  const perUnit = control.adjustedVariance + r * r * control.variance + 2 * r * control.adjustedRawCovariance;
  const controlVariance = Math.max(0, perUnit) / control.n / mu / mu;
  return { estimate, se: Math.sqrt(treatmentTerm * treatmentTerm + controlVariance) };
}
