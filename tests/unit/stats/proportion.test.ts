// Proportions through analyze(), against the doc's definition evaluated in R: variance p(1−p)
// (not n−1), Welch–Satterthwaite df, qt/pt. (t.test on 0/1 vectors would use n−1 and differ.)
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import { close, fixture, reportWorst, twoArmRequest, variant } from './helpers';

interface Sums { n: number; sum: number }
interface ProportionCase {
  alpha: number; control: Sums; treatment: Sums; estimate: number; ciLow: number; ciHigh: number; pValue: number; df: number;
  relEstimate: number; relCiLow: number; relCiHigh: number; chanceToWin: number;
}
const proportionCases = fixture<ProportionCase[]>('proportion');

describe('proportion metrics vs the p(1−p) Welch formula in R', () => {
  afterAll(() => reportWorst('proportion'));

  it.each(proportionCases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const answer = analyze(twoArmRequest(c.control, c.treatment, { alpha: c.alpha }, 'proportion'));
    const t = variant(answer);
    const halfWidth = c.ciHigh - c.estimate;
    close('estimate', t.absolute?.estimate, c.estimate, 1e-6, halfWidth);
    close('ciLow', t.absolute?.ciLow, c.ciLow, 1e-6, halfWidth);
    close('ciHigh', t.absolute?.ciHigh, c.ciHigh, 1e-6, halfWidth);
    close('pValue', t.pValue, c.pValue);
    const relHalf = c.relCiHigh - c.relEstimate;
    close('relative', t.relative?.estimate, c.relEstimate, 1e-6, relHalf);
    close('relCiLow', t.relative?.ciLow, c.relCiLow, 1e-6, relHalf);
    close('relCiHigh', t.relative?.ciHigh, c.relCiHigh, 1e-6, relHalf);
    close('chanceToWin', t.chanceToWin, c.chanceToWin, 1e-6, 1e-12);
    expect(variant(answer, 'control').mean).toBe(c.control.sum / c.control.n);
  });
});
