// Ratio metrics Σy/Σx (e.g. revenue per order) by the delta method with numerator–denominator covariance.
import { sampleCovariance, sampleVariance } from './moments';

export interface RatioSums {
  n: number;
  sum: number;
  sumSquares: number;
  denominatorSum: number;
  denominatorSumSquares: number;
  sumProduct: number;
}

export interface RatioEstimate {
  ratio: number;
  /** Per-unit variance of the linearized ratio, so Var(ratio) = variance / n. */
  variance: number;
}

/**
 * R = ȳ/x̄ with Var(R) ≈ (σ²_y − 2Rσ_xy + R²σ²_x)/(n x̄²)
 * (delta method; Deng, Knoblich & Lu 2018, "Applying the Delta Method in Metric Analytics").
 * Returns null when the denominator mean is 0.
 */
export function ratioEstimate(s: RatioSums): RatioEstimate | null {
  const meanX = s.denominatorSum / s.n;
  if (meanX === 0) return null;
  const ratio = s.sum / s.denominatorSum;
  const varY = sampleVariance(s.n, s.sum, s.sumSquares);
  const varX = sampleVariance(s.n, s.denominatorSum, s.denominatorSumSquares);
  const covXY = sampleCovariance(s.n, s.denominatorSum, s.sum, s.sumProduct);
  const variance = Math.max(0, (varY - 2 * ratio * covXY + ratio * ratio * varX) / (meanX * meanX));
  return { ratio, variance };
}
