// Variance from sufficient statistics stays exact where the textbook formula cancels catastrophically.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import { sampleCovariance, sampleVariance } from '../../../lib/stats/moments';
import { allFinite, twoArmRequest, variant } from './helpers';

const naive = (n: number, sum: number, sumSquares: number) => (sumSquares - (sum * sum) / n) / (n - 1);

/** Exact variance of integer data as a double, via BigInt rational arithmetic. */
function exactVariance(values: bigint[]): number {
  const n = BigInt(values.length);
  const sum = values.reduce((a, b) => a + b, 0n);
  const sumSquares = values.reduce((a, b) => a + b * b, 0n);
  const numerator = n * sumSquares - sum * sum; // n(n−1)·variance
  const scale = 10n ** 30n;
  return Number((numerator * scale) / (n * (n - 1n))) / 1e30;
}

describe('moments', () => {
  it('is exact for representable sums where the naive formula loses digits', () => {
    // 1000 users at 3e6 + {0,1}: Σy² ≈ 9e15 (< 2^53, exact) but (Σy)² ≈ 9e18 is not
    const values = Array.from({ length: 1000 }, (_, i) => 3_000_000n + BigInt(i % 7 === 0 ? 1 : 0));
    const sum = Number(values.reduce((a, b) => a + b, 0n));
    const sumSquares = Number(values.reduce((a, b) => a + b * b, 0n));
    const exact = exactVariance(values);
    expect(Math.abs(sampleVariance(values.length, sum, sumSquares) / exact - 1)).toBeLessThan(1e-12);
    expect(Math.abs(naive(values.length, sum, sumSquares) / exact - 1)).toBeGreaterThan(1e-4); // the trap is real
  });

  it('handles sums ~1e12: 2e8 users at 5000 ± 1', () => {
    const n = 200_000_000;
    const sum = 5000 * n; // 1e12; the ±1 deviations cancel
    const sumSquares = 25_000_000 * n + 6; // three users at +1 and three at −1
    expect(sum).toBe(1e12);
    expect(sampleVariance(n, sum, sumSquares)).toBeCloseTo(6 / (n - 1), 22);
  });

  it('never returns a negative variance for constant data at 1e12 scale', () => {
    for (const v of [333_333.3, 0.1, 1e6 / 7, 123_456.789]) {
      const n = 3_000_000;
      const sum = v * n;
      const sumSquares = v * v * n;
      const variance = sampleVariance(n, sum, sumSquares);
      expect(variance).toBeGreaterThanOrEqual(0);
      expect(variance).toBeLessThan(1e-9 * v * v);
    }
  });

  it('covariance is symmetric and matches the variance on the diagonal', () => {
    expect(sampleCovariance(10, 5, 5, 7)).toBe(sampleVariance(10, 5, 7));
    expect(sampleCovariance(10, 5, 9, 3)).toBe(sampleCovariance(10, 9, 5, 3));
  });

  it('analyze() stays finite and sensible with sums up to 1e12', () => {
    const n = 1_000_000;
    // mean 1e6 and sd 2: Σy² = n(μ² + σ²) ≈ 1e18, where a double's spacing is 128
    const control = { n, sum: 1e12, sumSquares: n * (1e12 + 4) };
    const treatment = { n, sum: 1e12 + 5e5, sumSquares: n * ((1e6 + 0.5) ** 2 + 4) };
    const answer = analyze(twoArmRequest(control, treatment));
    expect(allFinite(answer)).toBe(true);
    const t = variant(answer);
    expect(t.absolute?.estimate).toBeCloseTo(0.5, 6);
    expect(t.stdDev).toBeCloseTo(2, 3);
    expect(t.pValue).toBeLessThan(1e-10);
  });
});
