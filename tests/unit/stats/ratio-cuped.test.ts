// CUPED for ratio metrics (pre-exposure numerator and denominator as covariates, delta method):
// against R (tests/r/generate-fixtures.R, "ratio-cuped": the explicit 4×4 delta method and, checked
// against it there, lm on linearised values and Welch's t.test), and by seeded simulation: the
// adjusted 95% interval covers the true difference ≈ 95% of the time and is narrower than the
// unadjusted one when users' pre- and post-exposure spending are correlated.
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import type { RatioCovariateSums, StatsRequest, VariantData } from '../../../lib/stats';
import { parseRequest } from '../../../lib/stats/request-schema';
import { pooledRatioSums, pooledRatioTheta, ratioCupedArm, type RatioCupedSums } from '../../../lib/stats/ratio-cuped';
import { close, fixture, normals, prng, reportWorst, variant } from './helpers';

type RatioArm = Required<Pick<VariantData, 'n' | 'sum' | 'sumSquares' | 'denominatorSum' | 'denominatorSumSquares' | 'sumProduct'>> & {
  covariate: RatioCovariateSums;
};
interface Comparison {
  estimate: number; ciLow: number; ciHigh: number; pValue: number; relEstimate: number; relCiLow: number; relCiHigh: number;
  unadjustedCiLow: number; unadjustedCiHigh: number;
}
interface RatioCupedCase {
  alpha: number;
  theta: number;
  arms: RatioArm[];
  results: { ratio: number; adjusted: number; se: number; unadjustedSe: number }[];
  comparisons: Comparison[];
}
const cases = fixture<RatioCupedCase[]>('ratio-cuped');

const toSums = (a: RatioArm): RatioCupedSums => ({
  n: a.n, sumY: a.sum, sumYY: a.sumSquares, sumZ: a.denominatorSum, sumZZ: a.denominatorSumSquares, sumYZ: a.sumProduct,
  sumX: a.covariate.sum, sumXX: a.covariate.sumSquares, sumW: a.covariate.denominatorSum, sumWW: a.covariate.denominatorSumSquares,
  sumXW: a.covariate.sumProduct, sumYX: a.covariate.numeratorPreNumerator, sumYW: a.covariate.numeratorPreDenominator,
  sumZX: a.covariate.denominatorPreNumerator, sumZW: a.covariate.denominatorPreDenominator,
});

function request(arms: readonly VariantData[], alpha = 0.05): StatsRequest {
  return {
    alpha,
    variants: arms.map((a, i) => ({ id: `v${i}`, weight: a.n, users: a.n })),
    metrics: [{ key: 'aov', type: 'ratio', data: Object.fromEntries(arms.map((a, i) => [`v${i}`, a])) }],
  };
}

describe('ratio CUPED vs R', () => {
  afterAll(() => reportWorst('ratio-cuped'));

  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const sums = c.arms.map(toSums);
    const theta = pooledRatioTheta(sums);
    close('theta', theta, c.theta, 1e-9);
    const pooled = pooledRatioSums(sums);
    c.results.forEach((r, g) => {
      const arm = ratioCupedArm(sums[g]!, theta as number, pooled.sumX / pooled.sumW);
      close('ratio', arm?.mean, r.ratio, 1e-12);
      close('adjusted', arm?.adjustedMean, r.adjusted, 1e-9, r.se);
      close('se', Math.sqrt((arm?.adjustedVariance as number) / c.arms[g]!.n), r.se, 1e-9);
      close('unadjustedSe', Math.sqrt((arm?.variance as number) / c.arms[g]!.n), r.unadjustedSe, 1e-9);
    });
    const req = request(c.arms, c.alpha);
    expect(parseRequest(req).ok).toBe(true);
    const answer = analyze(req);
    expect(answer.warnings).toEqual([]);
    c.comparisons.forEach((r, k) => {
      const t = variant(answer, `v${k + 1}`);
      expect(t.cuped).toBe(true);
      const half = r.ciHigh - r.estimate;
      close('estimate', t.absolute?.estimate, r.estimate, 1e-9, half);
      close('ciLow', t.absolute?.ciLow, r.ciLow, 1e-6, half);
      close('ciHigh', t.absolute?.ciHigh, r.ciHigh, 1e-6, half);
      close('pValue', t.pValue, r.pValue, 1e-6);
      const relHalf = r.relCiHigh - r.relEstimate;
      close('relative', t.relative?.estimate, r.relEstimate, 1e-9, relHalf);
      close('relCiLow', t.relative?.ciLow, r.relCiLow, 1e-6, relHalf);
      close('relCiHigh', t.relative?.ciHigh, r.relCiHigh, 1e-6, relHalf);
      // users' spending is correlated across periods in every case: the adjustment must narrow the interval
      expect(r.ciHigh - r.ciLow).toBeLessThan(r.unadjustedCiHigh - r.unadjustedCiLow);
    });
    // without the covariate the same sums give R's unadjusted Welch interval
    const plain = analyze(request(c.arms.map(({ covariate: _c, ...rest }) => rest), c.alpha));
    c.comparisons.forEach((r, k) => {
      const t = variant(plain, `v${k + 1}`);
      expect(t.cuped).toBe(false);
      const half = r.unadjustedCiHigh - r.unadjustedCiLow;
      close('unadjustedCiLow', t.absolute?.ciLow, r.unadjustedCiLow, 1e-6, half);
      close('unadjustedCiHigh', t.absolute?.ciHigh, r.unadjustedCiHigh, 1e-6, half);
    });
  });
});


describe('ratio CUPED input problems', () => {
  const c = cases[0]!;

  it('a variant without any pre-exposure denominator skips CUPED, saying why', () => {
    const arms = c.arms.map((a, i) => (i === 1 ? { ...a, covariate: { ...a.covariate, sum: 0, sumSquares: 0, denominatorSum: 0, denominatorSumSquares: 0, sumProduct: 0, numeratorPreNumerator: 0, numeratorPreDenominator: 0, denominatorPreNumerator: 0, denominatorPreDenominator: 0 } } : a));
    const answer = analyze(request(arms));
    expect(variant(answer, 'v1').cuped).toBe(false);
    expect(answer.warnings.join(' ')).toMatch(/variant "v1" has a pre-exposure denominator of 0.*CUPED skipped/);
  });

  it("a mean's covariate on a ratio is refused by the CLI and skipped by the engine", () => {
    const arms = c.arms.map((a) => ({ ...a, covariate: { sum: a.covariate.sum, sumSquares: a.covariate.sumSquares, sumProduct: a.covariate.numeratorPreNumerator } }));
    const parsed = parseRequest(request(arms as unknown as VariantData[]));
    expect(parsed.ok ? '' : parsed.error).toMatch(/covariate\.denominatorSum: required/);
    const answer = analyze(request(arms as unknown as VariantData[]));
    expect(variant(answer, 'v1').cuped).toBe(false);
    expect(answer.warnings.join(' ')).toMatch(/ratio CUPED needs the pre-exposure numerator and denominator sums/);
  });

  it('a cross product beyond Cauchy–Schwarz is named', () => {
    const arms = c.arms.map((a, i) => (i === 1 ? { ...a, covariate: { ...a.covariate, denominatorPreDenominator: a.covariate.denominatorPreDenominator * 100 } } : a));
    const parsed = parseRequest(request(arms));
    expect(parsed.ok ? '' : parsed.error).toMatch(/metrics\[0\]\.data\.v1\.covariate\.denominatorPreDenominator: outside what the other sums allow/);
    expect(analyze(request(arms)).warnings.join(' ')).toMatch(/impossible covariate for variant "v1": covariate\.denominatorPreDenominator/);
  });
});

describe('ratio CUPED by simulation', () => {
  /** Poisson draws by inversion (small rates). */
  const poisson = (u: () => number, rate: number) => {
    let k = 0, p = Math.exp(-rate), cdf = p;
    const v = u();
    while (v > cdf && k < 200) {
      k++;
      p *= rate / k;
      cdf += p;
    }
    return k;
  };

  /**
   * One arm of n users: orders z (post) and w (pre) at a per-user rate, order values with a per-user
   * level shared by both periods, so revenue per order is correlated before and after exposure.
   * E[y]/E[z] = lift·E[exp(3 + u + ε)] = lift·exp(3 + (0.8² + 0.3²)/2): u, ε are independent of z.
   */
  function arm(u: () => number, z: () => number, n: number, lift: number): VariantData {
    const s = { sumY: 0, sumYY: 0, sumZ: 0, sumZZ: 0, sumYZ: 0, sumX: 0, sumXX: 0, sumW: 0, sumWW: 0, sumXW: 0, sumYX: 0, sumYW: 0, sumZX: 0, sumZW: 0 };
    for (let i = 0; i < n; i++) {
      const level = 0.8 * z();
      const rate = Math.exp(Math.log(1.5) + 0.5 * z());
      const w = poisson(u, rate);
      const orders = poisson(u, rate);
      const x = w * Math.exp(3 + level + 0.3 * z());
      const y = orders * Math.exp(3 + level + 0.3 * z()) * lift;
      s.sumY += y; s.sumYY += y * y; s.sumZ += orders; s.sumZZ += orders * orders; s.sumYZ += y * orders;
      s.sumX += x; s.sumXX += x * x; s.sumW += w; s.sumWW += w * w; s.sumXW += x * w;
      s.sumYX += y * x; s.sumYW += y * w; s.sumZX += orders * x; s.sumZW += orders * w;
    }
    return {
      n, sum: s.sumY, sumSquares: s.sumYY, denominatorSum: s.sumZ, denominatorSumSquares: s.sumZZ, sumProduct: s.sumYZ,
      covariate: {
        sum: s.sumX, sumSquares: s.sumXX, denominatorSum: s.sumW, denominatorSumSquares: s.sumWW, sumProduct: s.sumXW,
        numeratorPreNumerator: s.sumYX, numeratorPreDenominator: s.sumYW, denominatorPreNumerator: s.sumZX, denominatorPreDenominator: s.sumZW,
      },
    };
  }

  it('the adjusted 95% interval covers the true difference ≈ 95% of the time and is narrower than the unadjusted one', () => {
    const u = prng(1130);
    const z = normals(prng(2611));
    const sims = 2000;
    const lift = 1.05;
    const base = Math.exp(3 + (0.64 + 0.09) / 2);
    const truth = (lift - 1) * base;
    let covered = 0, coveredRelative = 0, coveredPlain = 0, width = 0, plainWidth = 0;
    for (let s = 0; s < sims; s++) {
      const arms = [arm(u, z, 1000, 1), arm(u, z, 1000, lift)];
      const t = variant(analyze(request(arms)), 'v1');
      const p = variant(analyze(request(arms.map(({ covariate: _c, ...rest }) => rest))), 'v1');
      expect(t.cuped).toBe(true);
      const lo = t.absolute?.ciLow as number, hi = t.absolute?.ciHigh as number;
      if (lo <= truth && truth <= hi) covered++;
      if ((t.relative?.ciLow as number) <= lift - 1 && lift - 1 <= (t.relative?.ciHigh as number)) coveredRelative++;
      if ((p.absolute?.ciLow as number) <= truth && truth <= (p.absolute?.ciHigh as number)) coveredPlain++;
      width += hi - lo;
      plainWidth += (p.absolute?.ciHigh as number) - (p.absolute?.ciLow as number);
    }
    const coverage = covered / sims;
    const widthRatio = width / plainWidth;
    console.log(
      `[ratio-cuped simulation] ${sims} experiments × 2 × 1000 users: coverage adjusted ${(100 * coverage).toFixed(1)}% ` +
        `(relative ${((100 * coveredRelative) / sims).toFixed(1)}%), unadjusted ${((100 * coveredPlain) / sims).toFixed(1)}%; ` +
        `mean width adjusted/unadjusted ${widthRatio.toFixed(3)}`,
    );
    expect(Math.abs(coverage - 0.95)).toBeLessThan(0.015);
    expect(Math.abs(coveredRelative / sims - 0.95)).toBeLessThan(0.015);
    expect(Math.abs(coveredPlain / sims - 0.95)).toBeLessThan(0.015);
    expect(widthRatio).toBeLessThan(0.85);
  });
});
