// Ratio metrics against the delta method computed by hand in R from per-user data: Var(R) = g'Sg/n
// with S the per-user covariance matrix of (numerator, denominator) and g the gradient of ȳ/x̄
// (tests/r/generate-fixtures.R, "ratio-delta"); skewed revenue with many zeros, 20 to 8,000 users.
import { afterAll, describe, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import type { VariantData } from '../../../lib/stats';
import { close, fixture, reportWorst, twoArmRequest, variant } from './helpers';

interface RatioDeltaCase {
  alpha: number; control: VariantData; treatment: VariantData;
  controlRatio: number; treatmentRatio: number; controlSe: number; treatmentSe: number;
  estimate: number; ciLow: number; ciHigh: number; pValue: number; relEstimate: number; relCiLow: number; relCiHigh: number;
}
const cases = fixture<RatioDeltaCase[]>('ratio-delta');

describe('ratio metrics vs the delta method in R', () => {
  afterAll(() => reportWorst('ratio-delta'));

  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const answer = analyze(twoArmRequest(c.control, c.treatment, { alpha: c.alpha }, 'ratio'));
    const control = variant(answer, 'control');
    const t = variant(answer);
    close('ratio', control.mean, c.controlRatio, 1e-12);
    close('ratio', t.mean, c.treatmentRatio, 1e-12);
    // stdDev is per user: se·√n
    close('se', (control.stdDev as number) / Math.sqrt(c.control.n), c.controlSe, 1e-9);
    close('se', (t.stdDev as number) / Math.sqrt(c.treatment.n), c.treatmentSe, 1e-9);
    const half = c.ciHigh - c.estimate;
    close('estimate', t.absolute?.estimate, c.estimate, 1e-9, half);
    close('ciLow', t.absolute?.ciLow, c.ciLow, 1e-6, half);
    close('ciHigh', t.absolute?.ciHigh, c.ciHigh, 1e-6, half);
    close('pValue', t.pValue, c.pValue);
    const relHalf = c.relCiHigh - c.relEstimate;
    close('relative', t.relative?.estimate, c.relEstimate, 1e-9, relHalf);
    close('relCiLow', t.relative?.ciLow, c.relCiLow, 1e-6, relHalf);
    close('relCiHigh', t.relative?.ciHigh, c.relCiHigh, 1e-6, relHalf);
  });
});
