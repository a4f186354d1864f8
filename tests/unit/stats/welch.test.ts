// Mean metrics through analyze(), against R's t.test (and the doc's relative-lift formula evaluated in R).
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import { unadjustedArm } from '../../../lib/stats/arm';
import { sampleVariance } from '../../../lib/stats/moments';
import { welchDifference } from '../../../lib/stats/welch';
import { close, fixture, reportWorst, twoArmRequest, variant } from './helpers';

interface Sums { n: number; sum: number; sumSquares?: number }
interface WelchCase {
  alpha: number; control: Sums; treatment: Sums; prior: { mean: number; variance: number } | null;
  estimate: number; ciLow: number; ciHigh: number; pValue: number; df: number; controlMean: number; controlSd: number;
  relEstimate: number; relCiLow: number; relCiHigh: number; chanceToWin: number; riskControl: number; riskTreatment: number;
}

const welchCases = fixture<WelchCase[]>('welch');

describe('mean metrics vs R t.test', () => {
  afterAll(() => reportWorst('welch'));

  it.each(welchCases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const answer = analyze(twoArmRequest(c.control, c.treatment, { alpha: c.alpha, ...(c.prior ? { prior: c.prior } : {}) }));
    const t = variant(answer);
    const halfWidth = c.ciHigh - c.estimate;
    close('estimate', t.absolute?.estimate, c.estimate, 1e-6, halfWidth);
    close('ciLow', t.absolute?.ciLow, c.ciLow, 1e-6, halfWidth);
    close('ciHigh', t.absolute?.ciHigh, c.ciHigh, 1e-6, halfWidth);
    close('pValue', t.pValue, c.pValue);
    expect(t.adjustedPValue).toBe(t.pValue);
    const relHalf = c.relCiHigh - c.relEstimate;
    close('relative', t.relative?.estimate, c.relEstimate, 1e-6, relHalf);
    close('relCiLow', t.relative?.ciLow, c.relCiLow, 1e-6, relHalf);
    close('relCiHigh', t.relative?.ciHigh, c.relCiHigh, 1e-6, relHalf);
    close('chanceToWin', t.chanceToWin, c.chanceToWin, 1e-6, 1e-12);
    close('risk', t.risk?.control, c.riskControl, 1e-6, relHalf * 1e-6);
    close('risk', t.risk?.treatment, c.riskTreatment, 1e-6, relHalf * 1e-6);
    const ctl = variant(answer, 'control');
    close('mean', ctl.mean, c.controlMean, 1e-9, c.controlSd);
    close('stdDev', ctl.stdDev, c.controlSd, 1e-6);
    expect(answer.warnings).toEqual([]);
  });

  it('Welch–Satterthwaite degrees of freedom', () => {
    for (const c of welchCases) {
      const arm = (s: Sums) => unadjustedArm(s.n, s.sum / s.n, sampleVariance(s.n, s.sum, s.sumSquares as number));
      close('df', welchDifference(arm(c.treatment), arm(c.control)).df, c.df);
    }
  });
});
