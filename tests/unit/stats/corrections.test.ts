// Holm and BH against R's p.adjust, and intervals that agree with the adjusted p-values.
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import type { StatsRequest } from '../../../lib/stats';
import { adjustedAlpha, benjaminiHochberg, holm } from '../../../lib/stats/corrections';
import { close, fixture, normals, prng, reportWorst } from './helpers';

interface PadjCase { p: number[]; holm: number[]; bh: number[] }
const cases = fixture<PadjCase[]>('padjust');

/** 12 metrics × 2 treatments with a spread of true effects, from seeded data. */
function manyComparisons(correction: 'none' | 'holm' | 'bh', extra: Partial<StatsRequest> = {}): StatsRequest {
  const z = normals(prng(7));
  const n = 400;
  const arm = (shift: number) => {
    let sum = 0, sumSquares = 0;
    for (let i = 0; i < n; i++) {
      const y = 10 + shift + 3 * z();
      sum += y;
      sumSquares += y * y;
    }
    return { n, sum, sumSquares };
  };
  const metrics = Array.from({ length: 12 }, (_, k) => ({
    key: `m${k}`,
    type: 'mean' as const,
    data: { c: arm(0), t1: arm(k * 0.06), t2: arm(k % 3 === 0 ? 0.9 : 0) },
  }));
  return { correction, variants: ['c', 't1', 't2'].map((id) => ({ id, weight: 1, users: n })), metrics, ...extra };
}

describe('p.adjust', () => {
  afterAll(() => reportWorst('corrections'));
  it('Holm matches R', () => cases.forEach((c) => holm(c.p).forEach((v, i) => close('holm', v, c.holm[i] as number, 1e-12))));
  it('BH matches R', () => cases.forEach((c) => benjaminiHochberg(c.p).forEach((v, i) => close('bh', v, c.bh[i] as number, 1e-12))));
});

describe('corrections in analyze()', () => {
  const treatments = (req: StatsRequest) => analyze(req).metrics.flatMap((m) => m.variants.filter((v) => v.id !== 'c'));

  it('"none" leaves p-values and intervals alone', () => {
    for (const t of treatments(manyComparisons('none'))) expect(t.adjustedPValue).toBe(t.pValue);
  });

  it.each(['holm', 'bh'] as const)('%s adjusts across all metrics × treatments like p.adjust', (method) => {
    const raw = treatments(manyComparisons('none'));
    const adjusted = treatments(manyComparisons(method));
    const expected = (method === 'holm' ? holm : benjaminiHochberg)(raw.map((t) => t.pValue as number));
    adjusted.forEach((t, i) => expect(t.adjustedPValue).toBeCloseTo(expected[i] as number, 14));
  });

  it.each(['holm', 'bh'] as const)('%s intervals exclude 0 exactly when the adjusted p < alpha, and widen', (method) => {
    const raw = treatments(manyComparisons('none', { extraIntervals: [0.68] }));
    const adjusted = treatments(manyComparisons(method, { extraIntervals: [0.68] }));
    let significant = 0;
    adjusted.forEach((t, i) => {
      const excludesZero = (t.absolute?.ciLow as number) > 0 || (t.absolute?.ciHigh as number) < 0;
      expect(excludesZero).toBe((t.adjustedPValue as number) < 0.05);
      if (excludesZero) significant++;
      const r = raw[i];
      expect(t.absolute?.ciLow as number).toBeLessThanOrEqual((r?.absolute?.ciLow as number) + 1e-12);
      expect(t.absolute?.ciHigh as number).toBeGreaterThanOrEqual((r?.absolute?.ciHigh as number) - 1e-12);
      expect(t.intervals?.[0]?.level).toBe(0.68);
    });
    expect(significant).toBeGreaterThan(0); // the family has real effects, so the check above is not vacuous
    expect(significant).toBeLessThan(adjusted.length);
  });

  it('the adjusted level is α·p/p_adj, and α when undefined', () => {
    expect(adjustedAlpha(0.05, 0.01, 0.04)).toBeCloseTo(0.0125, 15);
    expect(adjustedAlpha(0.05, 0, 0)).toBe(0.05);
  });

  it('leaves comparisons without a p-value out of the family', () => {
    const req = manyComparisons('holm');
    const first = req.metrics[0];
    if (first) first.data = { c: { n: 5, sum: 5, sumSquares: 5 }, t1: { n: 5, sum: 10, sumSquares: 20 }, t2: { n: 5, sum: 5, sumSquares: 5 } }; // zero variance
    const all = treatments(req);
    const withP = all.filter((t) => t.pValue !== null);
    expect(all.length - withP.length).toBe(2);
    const expected = holm(withP.map((t) => t.pValue as number));
    withP.forEach((t, i) => expect(t.adjustedPValue).toBeCloseTo(expected[i] as number, 14));
  });
});
