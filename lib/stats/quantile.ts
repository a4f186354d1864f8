// Quantile metrics (p50, p90, … of per-user values or of individual events) from three sample
// quantiles per variant: the estimate and an order-statistic bracket around it. Deng, Knoblich & Lu
// (2018), "Applying the Delta Method in Metric Analytics": Q̂ is asymptotically normal, the
// bracket [Q̂(p − z·σ_p), Q̂(p + z·σ_p)] estimates Q̂ ± z·se(Q̂) without the density, and for clustered
// data (events within users) σ_p comes from the delta-method variance of the share of events ≤ Q̂.
import { type ArmOutcome, fail, succeed } from './arm';
import type { QuantileSummary } from './types';

/** The levels p ∓ z·√(p(1−p)/n*) whose sample quantiles are the bracket. */
export function bracketLevels(level: number, z: number, effectiveN: number): { lower: number; upper: number } {
  const half = z * Math.sqrt((level * (1 - level)) / effectiveN);
  return { lower: level - half, upper: level + half };
}

/** se(Q̂) = (upper − lower)/(2z): the bracket is Q̂ ± z·se to first order (Deng et al. 2018). */
export function quantileStandardError(q: QuantileSummary): number {
  return (q.upper - q.lower) / (2 * q.bracketZ);
}

/** Per-user sums of an event-level quantile, for its effective sample size. */
export interface ClusterSums {
  /** users with at least one event */
  users: number;
  /** Σ_u M_u: events */
  events: number;
  /** Σ_u I_u: events at or below the estimate */
  atOrBelow: number;
  /** Σ_u I_u² */
  atOrBelowSquares: number;
  /** Σ_u M_u² */
  eventsSquares: number;
  /** Σ_u I_u·M_u */
  product: number;
}

/**
 * n* = p(1−p)/Var̂(p̂) for p̂ = ΣI/ΣM, the share of events at or below Q̂, with the delta-method
 * (ratio of means over users) Var̂(p̂) = n·Σ_u(I_u − p̂M_u)² / ((n−1)(ΣM)²), where
 * Σ(I − p̂M)² = ΣI² − 2p̂ΣIM + p̂²ΣM² (Deng et al. 2018). With one event per user it is
 * ≈ n; clustering (a user's events alike) makes it smaller. Infinity when Var̂(p̂) is 0.
 */
export function clusteredEffectiveN(level: number, s: ClusterSums): number {
  const share = s.atOrBelow / s.events;
  const spread = Math.max(0, s.atOrBelowSquares - 2 * share * s.product + share * share * s.eventsSquares);
  const variance = (s.users * spread) / ((s.users - 1) * s.events * s.events);
  return (level * (1 - level)) / variance;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** A normal-reference Arm for one variant's quantile, or why there is none. */
export function quantileArm(n: number, q: QuantileSummary | null | undefined): ArmOutcome {
  if (!q) return fail('no quantile for this variant (no values)');
  const { level, estimate, lower, upper, bracketZ, effectiveN } = q;
  if (!(finite(level) && level > 0 && level < 1)) return fail('quantile.level must be in (0, 1)');
  if (![estimate, lower, upper].every(finite)) return fail('quantile estimate, lower and upper must be finite numbers');
  if (!(finite(bracketZ) && bracketZ > 0) || !(finite(effectiveN) && effectiveN > 0)) {
    return fail('quantile.bracketZ and quantile.effectiveN must be positive numbers');
  }
  if (!(lower <= estimate && estimate <= upper)) return fail('impossible input: quantile.lower ≤ estimate ≤ upper does not hold');
  if (n < 2) return fail(`n = ${n}; at least 2 users are needed`);
  const levels = bracketLevels(level, bracketZ, effectiveN);
  if (!(levels.lower > 0 && levels.upper < 1)) {
    const needed = bracketZ * bracketZ * Math.max(level / (1 - level), (1 - level) / level);
    return fail(`too few values for a p${+(level * 100).toPrecision(6)} interval: its bracket needs effectiveN > ${+needed.toPrecision(4)} (got ${effectiveN})`);
  }
  const se = quantileStandardError(q);
  const variance = se * se * n; // Var(Q̂) = variance/n, as for every Arm
  if (!Number.isFinite(variance)) return fail('the quantile bracket overflows double precision; rescale the metric');
  return succeed({
    n,
    mean: estimate,
    variance,
    adjustedMean: estimate,
    adjustedVariance: variance,
    adjustedRawCovariance: variance,
    cuped: false,
    normal: true,
  });
}
