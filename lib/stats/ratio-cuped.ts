// CUPED for ratio metrics: the pre-exposure numerator and denominator of the same ratio as the
// covariate, through the delta method, with θ pooled across variants as for means (./cuped.ts).
import type { Arm } from './arm';
import { populationCovariance, sampleCovariance } from './moments';

/**
 * One variant's sums, all over the same n users: the post-exposure numerator y and denominator z,
 * the pre-exposure numerator x and denominator w, and every product of two of them.
 */
export interface RatioCupedSums {
  n: number;
  sumY: number;
  sumYY: number;
  sumZ: number;
  sumZZ: number;
  sumYZ: number;
  sumX: number;
  sumXX: number;
  sumW: number;
  sumWW: number;
  sumXW: number;
  sumYX: number;
  sumYW: number;
  sumZX: number;
  sumZW: number;
}

/**
 * The per-unit variance of the linearised post ratio R = ȳ/z̄, of the pre ratio P = x̄/w̄, and
 * their covariance: with g = (1/z̄, −R/z̄) and h = (1/w̄, −P/w̄), Var = g'Σ_post g, h'Σ_pre h and
 * Cov = g'Σ_post,pre h (delta method; Deng, Knoblich & Lu 2018). `cov` is the sample or the
 * population covariance of two of the variables from their sums.
 */
function linearised(s: RatioCupedSums, cov: (n: number, a: number, b: number, ab: number) => number) {
  const { n } = s;
  const z = s.sumZ / n;
  const w = s.sumW / n;
  const R = s.sumY / s.sumZ;
  const P = s.sumX / s.sumW;
  const post = (cov(n, s.sumY, s.sumY, s.sumYY) - 2 * R * cov(n, s.sumY, s.sumZ, s.sumYZ) + R * R * cov(n, s.sumZ, s.sumZ, s.sumZZ)) / (z * z);
  const pre = (cov(n, s.sumX, s.sumX, s.sumXX) - 2 * P * cov(n, s.sumX, s.sumW, s.sumXW) + P * P * cov(n, s.sumW, s.sumW, s.sumWW)) / (w * w);
  const cross =
    (cov(n, s.sumY, s.sumX, s.sumYX) - P * cov(n, s.sumY, s.sumW, s.sumYW) - R * cov(n, s.sumZ, s.sumX, s.sumZX) + R * P * cov(n, s.sumZ, s.sumW, s.sumZW)) /
    (z * w);
  return { R, P, post: Math.max(0, post), pre: Math.max(0, pre), cross };
}

/** All variants' sums added up: the pooled sample θ and the pooled pre ratio are taken from. */
export function pooledRatioSums(arms: readonly RatioCupedSums[]): RatioCupedSums {
  const keys = ['n', 'sumY', 'sumYY', 'sumZ', 'sumZZ', 'sumYZ', 'sumX', 'sumXX', 'sumW', 'sumWW', 'sumXW', 'sumYX', 'sumYW', 'sumZX', 'sumZW'] as const;
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as unknown as RatioCupedSums;
  for (const a of arms) for (const k of keys) out[k] += a[k];
  return out;
}

/**
 * θ = Cov(R̂, P̂)/Var(P̂) over all variants pooled (the delta-method analogue of cov(x, y)/var(x);
 * GrowthBook's gbstats RegressionAdjustedRatioStatistic uses the same covariate and gradient);
 * null when the pooled denominators are 0 or the pre ratio has no variance.
 */
export function pooledRatioTheta(arms: readonly RatioCupedSums[]): number | null {
  const pooled = pooledRatioSums(arms);
  if (!(pooled.n > 0) || pooled.sumZ === 0 || pooled.sumW === 0) return null;
  const { pre, cross } = linearised(pooled, populationCovariance); // the divisor n cancels
  if (!(pre > 0)) return null;
  return cross / pre;
}

/**
 * The arm of one variant: raw R = Σy/Σz, adjusted R − θ(P − P_pooled), with per-unit variance
 * Var(R̂ − θP̂)·n = g'Σg + θ²h'Σh − 2θg'Σh and Cov(R̂ − θP̂, R̂)·n = g'Σg − θg'Σh (delta method,
 * Deng, Knoblich & Lu 2018, §3; the relative lift needs the latter because it divides by raw R_C).
 * Null when this variant's post or pre denominator sums to 0 (no ratio to linearise around).
 */
export function ratioCupedArm(s: RatioCupedSums, theta: number, pooledPreRatio: number): Arm | null {
  if (!(s.n >= 2) || s.sumZ === 0 || s.sumW === 0) return null;
  const { R, P, post, pre, cross } = linearised(s, sampleCovariance);
  return {
    n: s.n,
    mean: R,
    variance: post,
    adjustedMean: R - theta * (P - pooledPreRatio),
    adjustedVariance: Math.max(0, post + theta * theta * pre - 2 * theta * cross),
    adjustedRawCovariance: post - theta * cross,
    cuped: true,
  };
}
