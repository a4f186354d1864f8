// Properties of the always-valid mode that do not need simulation.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import { sequentialMultiplier, sequentialPValue, sequentialRho } from '../../../lib/stats/sequential';
import { twoArmRequest, variant } from './helpers';

const control = { n: 3000, sum: 30_000, sumSquares: 3000 * (100 + 16) };
const treatment = { n: 3000, sum: 30_450, sumSquares: 3000 * (10.15 ** 2 + 16) };

describe('sequential (asymptotic confidence sequence)', () => {
  it('the p-value is the α at which the sequence touches 0', () => {
    const rho = sequentialRho(0.05, 5000);
    for (const z of [0.5, 2, 3.3, 5]) {
      const p = sequentialPValue(z, 6000, rho);
      if (p < 1) expect(sequentialMultiplier(p, 6000, rho)).toBeCloseTo(z, 10);
    }
  });

  it('is wider and more conservative than the fixed-horizon t interval', () => {
    const fixed = variant(analyze(twoArmRequest(control, treatment)));
    const seq = variant(analyze(twoArmRequest(control, treatment, { sequential: true })));
    expect(seq.absolute?.estimate).toBe(fixed.absolute?.estimate);
    expect(seq.absolute?.ciLow as number).toBeLessThan(fixed.absolute?.ciLow as number);
    expect(seq.absolute?.ciHigh as number).toBeGreaterThan(fixed.absolute?.ciHigh as number);
    expect(seq.pValue as number).toBeGreaterThan(fixed.pValue as number);
    const excludes = (seq.absolute?.ciLow as number) > 0;
    expect(excludes).toBe((seq.pValue as number) < 0.05);
  });

  it('the tuning parameter makes the boundary tightest near the planned sample size', () => {
    const width = (plannedN: number, n: number) => sequentialMultiplier(0.05, n, sequentialRho(0.05, plannedN));
    expect(width(10_000, 10_000)).toBeLessThan(width(1_000, 10_000));
    expect(width(10_000, 10_000)).toBeLessThan(width(100_000, 10_000));
  });
});
