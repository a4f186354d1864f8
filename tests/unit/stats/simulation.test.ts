// Seeded simulations: error rates and coverage are what the methods promise.
// Bounds are ±4 binomial standard deviations around the nominal rate (deterministic seeds).
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import type { StatsRequest, VariantResult } from '../../../lib/stats';
import { normals, prng, twoArmRequest, variant } from './helpers';

const ALPHA = 0.05;
const band = (rate: number, sims: number) => 4 * Math.sqrt((rate * (1 - rate)) / sims);

function sample(z: () => number, n: number, mean: number, sd: number) {
  let sum = 0, sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const y = mean + sd * z();
    sum += y;
    sumSquares += y * y;
  }
  return { n, sum, sumSquares };
}

const covers = (lo: number | null | undefined, hi: number | null | undefined, truth: number) => (lo as number) <= truth && truth <= (hi as number);

describe('simulation', () => {
  it('A/A: the false-positive rate of means is ≈ alpha', () => {
    const z = normals(prng(1));
    const sims = 2000;
    let rejections = 0;
    for (let s = 0; s < sims; s++) {
      const t = variant(analyze(twoArmRequest(sample(z, 60, 5, 2), sample(z, 90, 5, 3))));
      if ((t.pValue as number) < ALPHA) rejections++;
    }
    expect(Math.abs(rejections / sims - ALPHA)).toBeLessThan(band(ALPHA, sims));
  });

  it('A/A: the false-positive rate of proportions is ≈ alpha', () => {
    const u = prng(2);
    const sims = 2000;
    let rejections = 0;
    const conversions = (n: number, p: number) => {
      let x = 0;
      for (let i = 0; i < n; i++) if (u() < p) x++;
      return x;
    };
    for (let s = 0; s < sims; s++) {
      const req = twoArmRequest({ n: 500, sum: conversions(500, 0.1) }, { n: 500, sum: conversions(500, 0.1) }, {}, 'proportion');
      if ((variant(analyze(req)).pValue as number) < ALPHA) rejections++;
    }
    expect(Math.abs(rejections / sims - ALPHA)).toBeLessThan(band(ALPHA, sims));
  });

  it('95% intervals cover a known true effect ≈ 95% of the time (absolute and relative)', () => {
    const z = normals(prng(3));
    const sims = 2000;
    let absolute = 0, relative = 0;
    for (let s = 0; s < sims; s++) {
      const t = variant(analyze(twoArmRequest(sample(z, 150, 5, 2), sample(z, 150, 5.3, 2))));
      if (covers(t.absolute?.ciLow, t.absolute?.ciHigh, 0.3)) absolute++;
      if (covers(t.relative?.ciLow, t.relative?.ciHigh, 0.3 / 5)) relative++;
    }
    expect(Math.abs(absolute / sims - 0.95)).toBeLessThan(band(0.05, sims));
    expect(Math.abs(relative / sims - 0.95)).toBeLessThan(band(0.05, sims));
  });

  describe('peeking: 20 looks at an A/A stream', () => {
    const sims = 1000;
    const looks = 20;
    const batch = 50;

    function peekingFalsePositiveRate(sequential: boolean): number {
      const z = normals(prng(4)); // same streams for both modes
      let anyRejection = 0;
      for (let s = 0; s < sims; s++) {
        const c = { n: 0, sum: 0, sumSquares: 0 };
        const t = { n: 0, sum: 0, sumSquares: 0 };
        let rejected = false;
        for (let look = 0; look < looks; look++) {
          for (const arm of [c, t]) {
            const more = sample(z, batch, 1, 1);
            arm.n += more.n;
            arm.sum += more.sum;
            arm.sumSquares += more.sumSquares;
          }
          const req: StatsRequest = twoArmRequest({ ...c }, { ...t }, { sequential, sequentialTuning: 2 * batch * looks });
          const v: VariantResult = variant(analyze(req));
          if ((v.pValue as number) < ALPHA) rejected = true;
        }
        if (rejected) anyRejection++;
      }
      return anyRejection / sims;
    }

    it('without sequential the false-positive rate is clearly above alpha (the test can fail)', () => {
      expect(peekingFalsePositiveRate(false)).toBeGreaterThan(0.12);
    });

    it('with sequential it stays at or below alpha', () => {
      expect(peekingFalsePositiveRate(true)).toBeLessThanOrEqual(ALPHA + Math.sqrt((ALPHA * (1 - ALPHA)) / sims));
    });
  });
});
