// Chance to win and expected loss from a normal approximation of the relative lift
// (flat prior, or a conjugate normal prior on the lift; as GrowthBook's Bayesian engine).
import jStat from 'jstat';
import { pnorm } from './distributions';
import type { NormalPrior } from './types';

export interface BayesSummary {
  chanceToWin: number;
  /** E[max(lift, 0)]: what shipping control forgoes. */
  riskControl: number;
  /** E[max(−lift, 0)]: what shipping treatment may cost. */
  riskTreatment: number;
}

/** Posterior N(m, s²) of the lift: precision-weighted estimate and prior (normal–normal conjugacy). */
export function posterior(estimate: number, se: number, prior?: NormalPrior): { mean: number; sd: number } {
  if (!prior) return { mean: estimate, sd: se };
  const precision = 1 / (se * se) + 1 / prior.variance;
  const mean = (estimate / (se * se) + prior.mean / prior.variance) / precision;
  return { mean, sd: Math.sqrt(1 / precision) };
}

/** P(lift > 0) = Φ(m/s); E[max(X,0)] = mΦ(m/s) + sφ(m/s) for X ~ N(m, s²) (normal partial expectation). */
export function bayesSummary(estimate: number, se: number, prior?: NormalPrior): BayesSummary {
  const { mean, sd } = posterior(estimate, se, prior);
  const z = mean / sd;
  const density = sd * jStat.normal.pdf(z, 0, 1);
  return {
    chanceToWin: pnorm(z),
    riskControl: mean * pnorm(z) + density,
    riskTreatment: -mean * pnorm(-z) + density,
  };
}

/** P(Δ > 0) under a flat prior on the absolute difference; used when the relative lift is undefined. */
export function chanceToWinAbsolute(estimate: number, se: number): number {
  return pnorm(estimate / se);
}
