// CUPED against R: the doc's definition (θ pooled over all variants, Welch on y − θ(x − x̄)) must match
// to 1e-6; R's lm(y ~ group + x) (within-group slope) must agree closely but not exactly.
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import type { StatsRequest, VariantData } from '../../../lib/stats';
import { pooledTheta } from '../../../lib/stats/cuped';
import { close, fixture, reportWorst, variant } from './helpers';

interface Comparison {
  estimate: number; ciLow: number; ciHigh: number; pValue: number; relEstimate: number; relCiLow: number; relCiHigh: number;
  lmEstimate: number; lmSe: number; se: number;
}
interface CupedCase { alpha: number; theta: number; arms: Required<Pick<VariantData, 'n' | 'sum' | 'sumSquares' | 'covariate'>>[]; comparisons: Comparison[] }
const cases = fixture<CupedCase[]>('cuped');

function request(c: CupedCase): StatsRequest {
  const ids = c.arms.map((_, i) => `v${i}`);
  return {
    alpha: c.alpha,
    variants: c.arms.map((a, i) => ({ id: ids[i] as string, weight: a.n, users: a.n })),
    metrics: [{ key: 'revenue', type: 'mean', data: Object.fromEntries(c.arms.map((a, i) => [ids[i], a])) }],
  };
}

describe('CUPED vs R', () => {
  afterAll(() => reportWorst('cuped'));

  it.each(cases.map((c, i) => [i, c] as const))('case %i (%s arms)', (_, c) => {
    const theta = pooledTheta(c.arms.map((a) => ({ n: a.n, mean: 0, variance: 0, sumY: a.sum, sumX: a.covariate.sum, sumSquaresX: a.covariate.sumSquares, sumProductXY: a.covariate.sumProduct })));
    close('theta', theta, c.theta, 1e-9);
    const answer = analyze(request(c));
    expect(answer.warnings).toEqual([]);
    c.comparisons.forEach((r, k) => {
      const t = variant(answer, `v${k + 1}`);
      expect(t.cuped).toBe(true);
      const half = r.ciHigh - r.estimate;
      close('estimate', t.absolute?.estimate, r.estimate, 1e-6, half);
      close('ciLow', t.absolute?.ciLow, r.ciLow, 1e-6, half);
      close('ciHigh', t.absolute?.ciHigh, r.ciHigh, 1e-6, half);
      close('pValue', t.pValue, r.pValue);
      const relHalf = r.relCiHigh - r.relEstimate;
      close('relative', t.relative?.estimate, r.relEstimate, 1e-6, relHalf);
      close('relCiLow', t.relative?.ciLow, r.relCiLow, 1e-6, relHalf);
      close('relCiHigh', t.relative?.ciHigh, r.relCiHigh, 1e-6, relHalf);
      // lm uses the within-group slope and a pooled residual variance: the point estimate agrees to a
      // small fraction of a standard error, the standard errors to within sampling noise of the variances
      expect(Math.abs((t.absolute?.estimate as number) - r.lmEstimate)).toBeLessThan(0.05 * r.lmSe);
      expect(Math.abs(r.se / r.lmSe - 1)).toBeLessThan(0.08);
    });
  });
});
