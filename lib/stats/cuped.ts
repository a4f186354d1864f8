// CUPED (Deng, Xu, Kohavi & Walker 2013) with θ pooled across variants, as STATS-CLI.md defines it.
import type { Arm } from './arm';
import { populationCovariance, sampleCovariance, sampleVariance } from './moments';

export interface CupedInput {
  n: number;
  /** ȳ and σ²_y of the metric (σ²_y = p(1−p) for proportions). */
  mean: number;
  variance: number;
  sumY: number;
  sumX: number;
  sumSquaresX: number;
  sumProductXY: number;
}

/** θ = cov(x, y)/var(x) over all variants pooled; null when x has no variance. */
export function pooledTheta(arms: readonly CupedInput[]): number | null {
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const a of arms) {
    n += a.n;
    sx += a.sumX;
    sy += a.sumY;
    sxx += a.sumSquaresX;
    sxy += a.sumProductXY;
  }
  const varX = populationCovariance(n, sx, sx, sxx); // both with divisor n, which cancels
  if (!(varX > 0)) return null;
  return populationCovariance(n, sx, sy, sxy) / varX;
}

/**
 * Adjusted mean ȳ − θ(x̄ − x̄_pooled), variance σ²_y + θ²σ²_x − 2θσ_xy (Deng et al. 2013),
 * and Cov(y − θx, y) = σ²_y − θσ_xy, which the relative lift needs because it divides by the raw ȳ_C.
 */
export function cupedArm(a: CupedInput, theta: number, pooledMeanX: number): Arm {
  const meanX = a.sumX / a.n;
  const varX = sampleVariance(a.n, a.sumX, a.sumSquaresX);
  const covXY = sampleCovariance(a.n, a.sumX, a.sumY, a.sumProductXY);
  return {
    n: a.n,
    mean: a.mean,
    variance: a.variance,
    adjustedMean: a.mean - theta * (meanX - pooledMeanX),
    adjustedVariance: Math.max(0, a.variance + theta * theta * varX - 2 * theta * covXY),
    adjustedRawCovariance: a.variance - theta * covXY,
    cuped: true,
  };
}

/** x̄ over all variants pooled. */
export function pooledMeanX(arms: readonly CupedInput[]): number {
  let n = 0, sx = 0;
  for (const a of arms) {
    n += a.n;
    sx += a.sumX;
  }
  return sx / n;
}
