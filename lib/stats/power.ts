// Sample size and minimum detectable effect for a two-sided, two-variant test, matching
// R's power.prop.test and power.t.test (strict = FALSE). The effect size is relative (mde).
import { ALPHA_RANGE, DEFAULT_ALPHA, isSaneAlpha } from './bounds';
import { pnorm, pnt, qnorm, qtUpper } from './distributions';
import type { PowerAnswer, PowerRequest, PowerSpec } from './types';

const DEFAULT_POWER = 0.8;
const MAX_USERS = 1e12;

/** Power of the two-proportion z-test: Φ((√n|p1−p2| − z_{α/2}√((p1+p2)(q1+q2)/2)) / √(p1q1+p2q2)) (R power.prop.test). */
export function proportionPower(n: number, p1: number, p2: number, alpha: number): number {
  const q1 = 1 - p1;
  const q2 = 1 - p2;
  const za = qnorm(alpha / 2, true);
  return pnorm((Math.sqrt(n) * Math.abs(p1 - p2) - za * Math.sqrt(((p1 + p2) * (q1 + q2)) / 2)) / Math.sqrt(p1 * q1 + p2 * q2));
}

/** Users per variant for the proportion test: the closed-form root of proportionPower(n) = power. */
export function proportionSampleSize(p1: number, p2: number, alpha: number, power: number): number {
  const za = qnorm(alpha / 2, true);
  const zb = qnorm(power);
  const root = za * Math.sqrt(((p1 + p2) * (2 - p1 - p2)) / 2) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (root / Math.abs(p1 - p2)) ** 2;
}

/** Power of the two-sample t-test: P(T' > t_{1−α/2,ν}), T' ~ t(ν = 2(n−1), ncp = √(n/2)·d) (R power.t.test). */
export function meanPower(n: number, effectSize: number, alpha: number): number {
  const df = 2 * (n - 1);
  return 1 - pnt(qtUpper(alpha / 2, df), df, Math.sqrt(n / 2) * effectSize);
}

/** Root of an increasing function on [lo, hi] by bisection in log space (to ~1e-12 relative). */
function solveIncreasing(f: (x: number) => number, lo: number, hi: number): number | null {
  if (f(hi) < 0) return null;
  if (f(lo) >= 0) return lo;
  let a = Math.log(lo);
  let b = Math.log(hi);
  for (let i = 0; i < 200 && b - a > 1e-13; i++) {
    const mid = (a + b) / 2;
    if (f(Math.exp(mid)) < 0) a = mid;
    else b = mid;
  }
  return Math.exp(b);
}

/** Users per variant for the t-test: root of meanPower(n) = power over n ≥ 2. */
export function meanSampleSize(effectSize: number, alpha: number, power: number): number | null {
  return solveIncreasing((n) => meanPower(n, effectSize, alpha) - power, 2, MAX_USERS);
}

/** Relative MDE reachable for a proportion with n users per variant (upward, as power.prop.test solves p2 in (p1, 1)). */
export function proportionMde(n: number, p1: number, alpha: number, power: number): number | null {
  const gap = solveIncreasing((g) => proportionPower(n, p1, p1 + g, alpha) - power, 1e-12 * p1, (1 - p1) * (1 - 1e-12));
  return gap === null ? null : gap / p1;
}

/** Standardized effect d = Δ/σ reachable with n users per variant. */
export function meanEffectSize(n: number, alpha: number, power: number): number | null {
  return solveIncreasing((d) => meanPower(n, d, alpha) - power, 1e-9, 1e4);
}

function problem(spec: PowerSpec, alpha: number, power: number): string | null {
  if (!isSaneAlpha(alpha)) return `alpha must be in [${ALPHA_RANGE.min}, ${ALPHA_RANGE.max}]`;
  if (!(power > 0 && power < 1)) return 'power must be in (0, 1)';
  if ((spec.mde === undefined) === (spec.usersPerVariant === undefined)) return 'give exactly one of mde and usersPerVariant';
  if (spec.mde !== undefined && !(spec.mde !== 0 && Number.isFinite(spec.mde))) return 'mde must be a non-zero number';
  if (spec.usersPerVariant !== undefined && !(spec.usersPerVariant >= 2)) return 'usersPerVariant must be at least 2';
  if (spec.type === 'proportion') {
    if (!(spec.baseline > 0 && spec.baseline < 1)) return 'baseline must be a rate in (0, 1)';
    if (spec.mde !== undefined) {
      const p2 = spec.baseline * (1 + spec.mde);
      if (!(p2 > 0 && p2 < 1)) return `baseline × (1 + mde) = ${p2} is not a rate in (0, 1)`;
    }
    return null;
  }
  if (!(spec.sd !== undefined && spec.sd > 0 && Number.isFinite(spec.sd))) return 'sd must be a positive number for mean metrics';
  if (!(spec.baseline !== 0 && Number.isFinite(spec.baseline))) return 'baseline must be a non-zero number (mde is relative to it)';
  return null;
}

function usersPerVariant(spec: PowerSpec, alpha: number, power: number): number | null {
  const mde = spec.mde as number;
  if (spec.type === 'proportion') return proportionSampleSize(spec.baseline, spec.baseline * (1 + mde), alpha, power);
  return meanSampleSize(Math.abs(mde * spec.baseline) / (spec.sd as number), alpha, power);
}

function reachableMde(spec: PowerSpec, alpha: number, power: number): number | null {
  const n = spec.usersPerVariant as number;
  if (spec.type === 'proportion') return proportionMde(n, spec.baseline, alpha, power);
  const d = meanEffectSize(n, alpha, power);
  return d === null ? null : (d * (spec.sd as number)) / Math.abs(spec.baseline);
}

export function powerAnalysis(req: PowerRequest): PowerAnswer {
  const spec = req.power;
  const alpha = spec.alpha ?? DEFAULT_ALPHA;
  const power = spec.power ?? DEFAULT_POWER;
  const issue = problem(spec, alpha, power);
  const key = spec.mde !== undefined ? 'usersPerVariant' : 'mde';
  if (issue) return { power: { [key]: null }, warnings: [`power: ${issue}`] };
  if (key === 'usersPerVariant') {
    const n = usersPerVariant(spec, alpha, power);
    if (n === null || !Number.isFinite(n)) return { power: { usersPerVariant: null }, warnings: [`power: more than ${MAX_USERS} users per variant needed`] };
    return { power: { usersPerVariant: Math.ceil(n) } };
  }
  const mde = reachableMde(spec, alpha, power);
  if (mde === null || !Number.isFinite(mde)) return { power: { mde: null }, warnings: ['power: no effect size reaches the requested power with these users'] };
  return { power: { mde } };
}
