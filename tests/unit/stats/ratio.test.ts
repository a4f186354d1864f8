// Ratio metrics (delta method) against R's t.test on the linearized per-user values.
import { afterAll, describe, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import type { VariantData } from '../../../lib/stats';
import { close, fixture, reportWorst, twoArmRequest, variant } from './helpers';

interface RatioCase {
  alpha: number; control: VariantData; treatment: VariantData; controlRatio: number;
  estimate: number; ciLow: number; ciHigh: number; pValue: number; relEstimate: number; relCiLow: number; relCiHigh: number;
}
const cases = fixture<RatioCase[]>('ratio');

describe('ratio metrics vs R', () => {
  afterAll(() => reportWorst('ratio'));

  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const answer = analyze(twoArmRequest(c.control, c.treatment, { alpha: c.alpha }, 'ratio'));
    const t = variant(answer);
    const half = c.ciHigh - c.estimate;
    close('ratio', variant(answer, 'control').mean, c.controlRatio, 1e-12);
    close('estimate', t.absolute?.estimate, c.estimate, 1e-6, half);
    close('ciLow', t.absolute?.ciLow, c.ciLow, 1e-6, half);
    close('ciHigh', t.absolute?.ciHigh, c.ciHigh, 1e-6, half);
    close('pValue', t.pValue, c.pValue);
    const relHalf = c.relCiHigh - c.relEstimate;
    close('relative', t.relative?.estimate, c.relEstimate, 1e-6, relHalf);
    close('relCiLow', t.relative?.ciLow, c.relCiLow, 1e-6, relHalf);
    close('relCiHigh', t.relative?.ciHigh, c.relCiHigh, 1e-6, relHalf);
  });
});
