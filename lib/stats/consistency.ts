// Sums that no data can produce (Σy² < (Σy)²/n, a covariance beyond Cauchy–Schwarz, sums with n = 0).
// The CLI refuses them naming the field; the engine gives the variant no result and says why,
// instead of clamping a negative variance to 0 and reporting "zero variance".
import { populationCovariance } from './moments';
import type { MetricType, RatioCovariateSums, VariantData } from './types';

/**
 * Slack for sums that rounding made slightly inconsistent, relative to the raw second moments
 * (warehouse SUMs over millions of doubles can be off by ~n·1e-16 in the worst case).
 */
const ROUNDING = 1e-6;

export interface Impossibility {
  /** path below the variant's entry, e.g. "sumSquares" or "covariate.sumProduct" */
  field: string;
  message: string;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Σ(y−ȳ)²/n ≥ 0 beyond rounding, i.e. Σy² ≥ (Σy)²/n. */
function varianceProblem(n: number, sum: number, sumSquares: number, names: { sum: string }): string | null {
  if (populationCovariance(n, sum, sum, sumSquares) >= -ROUNDING * (sumSquares / n)) return null;
  const needed = (sum / n) * sum;
  if (!Number.isFinite(needed)) {
    return `must be at least (${names.sum})²/n, which overflows double precision (${names.sum} = ${sum}, n = ${n}): rescale the metric`;
  }
  return `must be at least (${names.sum})²/n = ${needed} (got ${sumSquares}): no data gives these sums`;
}

/** |Σ(a−ā)(b−b̄)| ≤ √(Σ(a−ā)²·Σ(b−b̄)²) beyond rounding (Cauchy–Schwarz). */
function covarianceProblem(n: number, a: [number, number], b: [number, number], sumAB: number): boolean {
  const cov = populationCovariance(n, a[0], b[0], sumAB);
  const varA = Math.max(0, populationCovariance(n, a[0], a[0], a[1]));
  const varB = Math.max(0, populationCovariance(n, b[0], b[0], b[1]));
  const slack = ROUNDING * Math.sqrt(a[1] / n) * Math.sqrt(b[1] / n);
  return Math.abs(cov) > Math.sqrt(varA) * Math.sqrt(varB) + slack;
}

/** A quantile below its own bracket's lower end, or one reported for no users. */
function impossibleQuantile(d: VariantData): Impossibility | null {
  const q = d.quantile;
  if (!q) return null;
  if (d.n === 0) return { field: 'quantile', message: 'must be null because n is 0' };
  if (q.lower > q.estimate) return { field: 'quantile.lower', message: `must be at most the estimate ${q.estimate} (got ${q.lower})` };
  if (q.upper < q.estimate) return { field: 'quantile.upper', message: `must be at least the estimate ${q.estimate} (got ${q.upper})` };
  return null;
}

/** The first impossible sum of one variant's outcome (not its covariate), or null. */
export function impossibleOutcome(type: MetricType, d: VariantData): Impossibility | null {
  if (type === 'quantile') return impossibleQuantile(d);
  const { n, sum } = d;
  if (!finite(n) || !finite(sum) || n < 0) return null; // shape errors are reported elsewhere
  const sums: [keyof VariantData, unknown][] = [
    ['sum', sum],
    ['sumSquares', d.sumSquares],
    ['denominatorSum', d.denominatorSum],
    ['denominatorSumSquares', d.denominatorSumSquares],
    ['sumProduct', d.sumProduct],
  ];
  if (n === 0) {
    const nonZero = sums.find(([, v]) => finite(v) && v !== 0);
    return nonZero ? { field: nonZero[0], message: `must be 0 because n is 0 (got ${String(nonZero[1])})` } : null;
  }
  if (type === 'proportion') {
    if (sum < 0) return { field: 'sum', message: 'conversions cannot be negative' };
    if (sum > n) return { field: 'sum', message: 'conversions cannot exceed n' };
    if (finite(d.sumSquares) && Math.abs(d.sumSquares - sum) > ROUNDING * n) {
      return { field: 'sumSquares', message: `must equal sum (${sum}) for 0/1 values (got ${d.sumSquares})` };
    }
    return null;
  }
  if (!finite(d.sumSquares)) return null;
  const y = varianceProblem(n, sum, d.sumSquares, { sum: 'sum' });
  if (y) return { field: 'sumSquares', message: y };
  if (type !== 'ratio' || !finite(d.denominatorSum) || !finite(d.denominatorSumSquares) || !finite(d.sumProduct)) return null;
  const x = varianceProblem(n, d.denominatorSum, d.denominatorSumSquares, { sum: 'denominatorSum' });
  if (x) return { field: 'denominatorSumSquares', message: x };
  if (covarianceProblem(n, [sum, d.sumSquares], [d.denominatorSum, d.denominatorSumSquares], d.sumProduct)) {
    return { field: 'sumProduct', message: 'outside what the other sums allow (Cauchy–Schwarz): no data gives these sums' };
  }
  return null;
}

/** A ratio's covariate: each pre-exposure part's variance, and every product within Cauchy–Schwarz. */
function impossibleRatioCovariate(d: VariantData, c: RatioCovariateSums): Impossibility | null {
  const { n } = d;
  const fields = [
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
  if (!finite(n) || n < 0 || !fields.every((k) => finite(c[k]))) return null;
  if (n === 0) {
    const nonZero = fields.find((k) => c[k] !== 0);
    return nonZero ? { field: `covariate.${nonZero}`, message: `must be 0 because n is 0 (got ${c[nonZero]})` } : null;
  }
  const x = varianceProblem(n, c.sum, c.sumSquares, { sum: 'covariate.sum' });
  if (x) return { field: 'covariate.sumSquares', message: x };
  const w = varianceProblem(n, c.denominatorSum, c.denominatorSumSquares, { sum: 'covariate.denominatorSum' });
  if (w) return { field: 'covariate.denominatorSumSquares', message: w };
  const pre = { x: [c.sum, c.sumSquares] as [number, number], w: [c.denominatorSum, c.denominatorSumSquares] as [number, number] };
  const pairs: [keyof RatioCovariateSums, [number, number], [number, number]][] = [[`sumProduct`, pre.x, pre.w]];
  if (finite(d.sum) && finite(d.sumSquares)) {
    const y: [number, number] = [d.sum, d.sumSquares];
    pairs.push(['numeratorPreNumerator', y, pre.x], ['numeratorPreDenominator', y, pre.w]);
  }
  if (finite(d.denominatorSum) && finite(d.denominatorSumSquares)) {
    const z: [number, number] = [d.denominatorSum, d.denominatorSumSquares];
    pairs.push(['denominatorPreNumerator', z, pre.x], ['denominatorPreDenominator', z, pre.w]);
  }
  const bad = pairs.find(([field, a, b]) => covarianceProblem(n, a, b, c[field]));
  return bad ? { field: `covariate.${bad[0]}`, message: 'outside what the other sums allow (Cauchy–Schwarz): no data gives these sums' } : null;
}

/** The first impossible sum of one variant's covariate (given a consistent outcome), or null. */
export function impossibleCovariate(type: MetricType, d: VariantData): Impossibility | null {
  if (type === 'quantile') return null; // not used: quantiles have no CUPED
  const c = d.covariate;
  if (type === 'ratio') return c && 'denominatorSum' in c ? impossibleRatioCovariate(d, c) : null;
  if (!c || 'denominatorSum' in c) return null;
  const { n, sum } = d;
  if (!finite(n) || !finite(sum) || !finite(c.sum) || !finite(c.sumSquares) || !finite(c.sumProduct) || n < 0) return null;
  if (n === 0) {
    const nonZero = (['sum', 'sumSquares', 'sumProduct'] as const).find((k) => c[k] !== 0);
    return nonZero ? { field: `covariate.${nonZero}`, message: `must be 0 because n is 0 (got ${c[nonZero]})` } : null;
  }
  const x = varianceProblem(n, c.sum, c.sumSquares, { sum: 'covariate.sum' });
  if (x) return { field: 'covariate.sumSquares', message: x };
  const sumSquaresY = type === 'proportion' ? sum : d.sumSquares;
  if (!finite(sumSquaresY)) return null;
  if (covarianceProblem(n, [c.sum, c.sumSquares], [sum, sumSquaresY], c.sumProduct)) {
    return { field: 'covariate.sumProduct', message: 'outside what the covariate and metric sums allow (Cauchy–Schwarz): no data gives these sums' };
  }
  return null;
}
