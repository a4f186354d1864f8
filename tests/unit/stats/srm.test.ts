// Sample-ratio mismatch against R's chisq.test(users, p = weights / sum(weights)).
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import { srmCheck } from '../../../lib/stats/srm';
import { close, fixture, reportWorst } from './helpers';

interface SrmCase { users: number[]; weights: number[]; chiSquare: number; pValue: number }
const cases = fixture<SrmCase[]>('srm');

describe('SRM vs R chisq.test', () => {
  afterAll(() => reportWorst('srm'));

  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const { result } = srmCheck(c.users.map((users, i) => ({ id: `v${i}`, users, weight: c.weights[i] as number })));
    close('chiSquare', result.chiSquare, c.chiSquare, 1e-12);
    close('pValue', result.pValue, c.pValue, 1e-10);
    expect(result.mismatch).toBe(c.pValue < 0.001);
  });

  it('flags a broken split in analyze() with a warning', () => {
    const answer = analyze({ variants: [{ id: 'a', weight: 1, users: 10000 }, { id: 'b', weight: 1, users: 10600 }], metrics: [] });
    expect(answer.srm.mismatch).toBe(true);
    expect(answer.warnings.some((w) => w.includes('sample ratio mismatch'))).toBe(true);
  });

  it('answers null with a warning when nobody is exposed', () => {
    const answer = analyze({ variants: [{ id: 'a', weight: 1, users: 0 }, { id: 'b', weight: 1, users: 0 }], metrics: [] });
    expect(answer.srm).toEqual({ chiSquare: null, pValue: null, mismatch: null });
    expect(answer.warnings).toContain('srm: no exposed users');
  });
});
