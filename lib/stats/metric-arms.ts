// Turns one metric's sufficient statistics into per-variant Arms (raw, or CUPED-adjusted),
// or a reason why a variant has none. Never throws: analyze() is called with unvalidated data too.
import { type Arm, type ArmOutcome, fail, succeed, unadjustedArm } from './arm';
import { type CupedInput, cupedArm, pooledMeanX, pooledTheta } from './cuped';
import { impossibleCovariate, impossibleOutcome } from './consistency';
import { proportionVariance, sampleVariance } from './moments';
import { quantileArm } from './quantile';
import { ratioEstimate } from './ratio';
import { type RatioCupedSums, pooledRatioSums, pooledRatioTheta, ratioCupedArm } from './ratio-cuped';
import type { MetricInput, MetricType, RatioCovariateSums, VariantData } from './types';

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export interface MetricArms {
  arms: Map<string, ArmOutcome>;
  /** Metric-level notes, e.g. why CUPED was skipped. */
  notes: string[];
}

/** The point estimate shown for a variant even when no comparison is possible (null when n = 0). */
export function displayMean(type: MetricType, d: VariantData | undefined): number | null {
  if (!d || !finite(d.n) || d.n <= 0) return null;
  if (type === 'quantile') return finite(d.quantile?.estimate) ? d.quantile.estimate : null;
  if (!finite(d.sum)) return null;
  const mean = type === 'ratio' ? (finite(d.denominatorSum) && d.denominatorSum !== 0 ? d.sum / d.denominatorSum : null) : d.sum / d.n;
  return finite(mean) ? mean : null; // a ratio can overflow; the variant's warning says so
}

const OVERFLOW = 'the sums overflow double precision (values too large or a denominator too close to 0); rescale the metric';

function rawArm(type: MetricType, d: VariantData | undefined): ArmOutcome {
  if (!d) return fail('no data for this variant');
  const { n, sum } = d;
  if (!finite(n) || !Number.isInteger(n) || n < 0) return fail('n is not a non-negative integer');
  if (type === 'quantile') return quantileArm(n, d.quantile);
  if (!finite(sum)) return fail('sum is not a finite number');
  if (type !== 'proportion' && !finite(d.sumSquares)) return fail('sumSquares is missing or not finite');
  const impossible = impossibleOutcome(type, d);
  if (impossible) return fail(`impossible input: ${impossible.field} ${impossible.message}`);
  if (n < 2) return fail(`n = ${n}; at least 2 users are needed`);
  const arm = armOf(type, n, sum, d);
  if (arm.ok && !(Number.isFinite(arm.arm.mean) && Number.isFinite(arm.arm.variance))) return fail(OVERFLOW);
  return arm;
}

function armOf(type: MetricType, n: number, sum: number, d: VariantData): ArmOutcome {
  if (type === 'proportion') return succeed(unadjustedArm(n, sum / n, proportionVariance(n, sum)));
  const sumSquares = d.sumSquares as number;
  if (type === 'mean') return succeed(unadjustedArm(n, sum / n, sampleVariance(n, sum, sumSquares)));
  const { denominatorSum, denominatorSumSquares, sumProduct } = d;
  if (!finite(denominatorSum) || !finite(denominatorSumSquares) || !finite(sumProduct)) {
    return fail('ratio needs denominatorSum, denominatorSumSquares and sumProduct');
  }
  const r = ratioEstimate({ n, sum, sumSquares, denominatorSum, denominatorSumSquares, sumProduct });
  if (!r) return fail('denominator sum is 0');
  return succeed(unadjustedArm(n, r.ratio, r.variance));
}

function cupedInput(arm: Arm, d: VariantData): CupedInput | null {
  const c = d.covariate;
  if (c && isRatioCovariate(c)) return null;
  if (!c || !finite(d.sum) || !finite(c.sum) || !finite(c.sumSquares) || !finite(c.sumProduct)) return null;
  return { n: arm.n, mean: arm.mean, variance: arm.variance, sumY: d.sum, sumX: c.sum, sumSquaresX: c.sumSquares, sumProductXY: c.sumProduct };
}

const RATIO_COVARIATE_FIELDS = [
  'sum',
  'sumSquares',
  'denominatorSum',
  'denominatorSumSquares',
  'sumProduct',
  'numeratorPreNumerator',
  'numeratorPreDenominator',
  'denominatorPreNumerator',
  'denominatorPreDenominator',
] as const;

function isRatioCovariate(c: NonNullable<VariantData['covariate']>): c is RatioCovariateSums {
  return 'denominatorSum' in c;
}

/** A ratio variant's sums for ./ratio-cuped, or null when some are missing or not finite. */
function ratioCupedSums(d: VariantData): RatioCupedSums | null {
  const c = d.covariate;
  if (!c || !isRatioCovariate(c) || !RATIO_COVARIATE_FIELDS.every((k) => finite(c[k]))) return null;
  const { n, sum, sumSquares, denominatorSum, denominatorSumSquares, sumProduct } = d;
  if (![n, sum, sumSquares, denominatorSum, denominatorSumSquares, sumProduct].every(finite)) return null;
  return {
    n,
    sumY: sum as number,
    sumYY: sumSquares as number,
    sumZ: denominatorSum as number,
    sumZZ: denominatorSumSquares as number,
    sumYZ: sumProduct as number,
    sumX: c.sum,
    sumXX: c.sumSquares,
    sumW: c.denominatorSum,
    sumWW: c.denominatorSumSquares,
    sumXW: c.sumProduct,
    sumYX: c.numeratorPreNumerator,
    sumYW: c.numeratorPreDenominator,
    sumZX: c.denominatorPreNumerator,
    sumZW: c.denominatorPreDenominator,
  };
}

/** Ratio CUPED over the usable arms (./ratio-cuped), or a reason to skip it. */
function applyRatioCuped(metric: MetricInput, arms: Map<string, ArmOutcome>, variantIds: readonly string[]): string | null {
  const inputs = new Map<string, RatioCupedSums>();
  for (const id of variantIds) {
    const data = metric.data[id];
    if (!arms.get(id)?.ok || !data) continue;
    const sums = ratioCupedSums(data);
    if (!sums) return 'ratio CUPED needs the pre-exposure numerator and denominator sums and their products, all finite; CUPED skipped';
    const impossible = impossibleCovariate(metric.type, data);
    if (impossible) return `impossible covariate for variant "${id}": ${impossible.field} ${impossible.message}; CUPED skipped`;
    if (sums.sumW === 0) return `variant "${id}" has a pre-exposure denominator of 0 (no pre-exposure ratio); CUPED skipped`;
    inputs.set(id, sums);
  }
  if (inputs.size < 2) return null;
  const theta = pooledRatioTheta([...inputs.values()]);
  if (theta === null) return 'the pre-exposure ratio has no variance; CUPED skipped';
  const pooled = pooledRatioSums([...inputs.values()]);
  const preRatio = pooled.sumX / pooled.sumW;
  const adjusted = [...inputs].map(([id, s]) => [id, ratioCupedArm(s, theta, preRatio)] as const);
  const usable =
    Number.isFinite(theta) &&
    Number.isFinite(preRatio) &&
    adjusted.every(([, a]) => a !== null && [a.adjustedMean, a.adjustedVariance, a.adjustedRawCovariance].every(Number.isFinite));
  if (!usable) return 'the CUPED adjustment overflows double precision; CUPED skipped';
  for (const [id, arm] of adjusted) if (arm) arms.set(id, succeed(arm));
  return null;
}

/** CUPED over the usable arms, or a reason to skip it (arms are then left unadjusted). */
function applyCuped(metric: MetricInput, arms: Map<string, ArmOutcome>, variantIds: readonly string[]): string | null {
  const withCovariate = variantIds.filter((id) => metric.data[id]?.covariate !== undefined);
  if (withCovariate.length === 0) return null;
  if (metric.type === 'quantile') return 'CUPED is not supported for quantile metrics; results are unadjusted';
  if (withCovariate.length !== variantIds.length) return 'covariate given for some variants only; CUPED skipped';
  if (metric.type === 'ratio') return applyRatioCuped(metric, arms, variantIds);
  const inputs = new Map<string, CupedInput>();
  for (const id of variantIds) {
    const outcome = arms.get(id);
    const data = metric.data[id];
    if (!outcome?.ok || !data) continue;
    const input = cupedInput(outcome.arm, data);
    if (!input) return 'covariate sums are not finite; CUPED skipped';
    const impossible = impossibleCovariate(metric.type, data);
    if (impossible) return `impossible covariate for variant "${id}": ${impossible.field} ${impossible.message}; CUPED skipped`;
    inputs.set(id, input);
  }
  if (inputs.size < 2) return null;
  const theta = pooledTheta([...inputs.values()]);
  if (theta === null) return 'covariate has no variance; CUPED skipped';
  const meanX = pooledMeanX([...inputs.values()]);
  const adjusted = [...inputs].map(([id, input]) => [id, cupedArm(input, theta, meanX)] as const);
  const usable = Number.isFinite(theta) && adjusted.every(([, a]) => [a.adjustedMean, a.adjustedVariance, a.adjustedRawCovariance].every(Number.isFinite));
  if (!usable) return 'the CUPED adjustment overflows double precision; CUPED skipped';
  for (const [id, arm] of adjusted) arms.set(id, succeed(arm));
  return null;
}

/** Quantiles compare like with like only at one level; a zero-width bracket (ties) gives se = 0. */
function checkQuantiles(metric: MetricInput, arms: Map<string, ArmOutcome>, variantIds: readonly string[]): string[] {
  const levels = [...new Set(variantIds.map((id) => metric.data[id]?.quantile?.level).filter(finite))];
  if (levels.length > 1) {
    for (const id of variantIds) if (arms.get(id)?.ok) arms.set(id, fail(`quantile levels differ across variants (${levels.join(', ')})`));
    return [];
  }
  return variantIds
    .filter((id) => {
      const outcome = arms.get(id);
      return outcome?.ok === true && outcome.arm.variance === 0;
    })
    .map((id) => `variant "${id}": the quantile's bracket has zero width (values tie at the estimate), so its standard error is 0 and the interval understates the uncertainty`);
}

export function metricArms(metric: MetricInput, variantIds: readonly string[]): MetricArms {
  const arms = new Map<string, ArmOutcome>();
  for (const id of variantIds) arms.set(id, rawArm(metric.type, metric.data[id]));
  const notes = metric.type === 'quantile' ? checkQuantiles(metric, arms, variantIds) : [];
  const cupedNote = applyCuped(metric, arms, variantIds);
  if (cupedNote) notes.push(cupedNote);
  return { arms, notes };
}
