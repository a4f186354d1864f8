// Degenerate inputs: null plus a warning naming metric and variant; never NaN, Infinity or a throw.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import type { StatsAnswer, StatsRequest, VariantData } from '../../../lib/stats';
import { sanitizeInPlace } from '../../../lib/stats/sanitize';
import { allFinite, twoArmRequest, variant } from './helpers';

const normal: VariantData = { n: 100, sum: 500, sumSquares: 100 * (25 + 4) };

function check(req: StatsRequest): StatsAnswer {
  const answer = analyze(req);
  expect(allFinite(answer)).toBe(true);
  expect(JSON.parse(JSON.stringify(answer))).toEqual(answer); // nothing JSON would silently turn into null
  return answer;
}

const nullInterval = { estimate: null, ciLow: null, ciHigh: null };

describe('degenerate inputs', () => {
  it.each([
    ['no users', { n: 0, sum: 0, sumSquares: 0 }],
    ['one user', { n: 1, sum: 3, sumSquares: 9 }],
  ])('treatment with %s: nulls and a warning', (_, data) => {
    const answer = check(twoArmRequest(normal, data));
    const t = variant(answer);
    expect(t.absolute).toEqual(nullInterval);
    expect(t.relative).toEqual(nullInterval);
    expect(t.pValue).toBeNull();
    expect(t.chanceToWin).toBeNull();
    expect(answer.warnings.some((w) => w.includes('metric "m", variant "treatment"') && w.includes(`n = ${data.n}`))).toBe(true);
  });

  it('control with no users: every treatment is null, with warnings for both', () => {
    const answer = check(twoArmRequest({ n: 0, sum: 0, sumSquares: 0 }, normal));
    expect(variant(answer).absolute).toEqual(nullInterval);
    expect(variant(answer, 'control').mean).toBeNull();
    expect(answer.warnings.some((w) => w.includes('variant "control"'))).toBe(true);
    expect(answer.warnings.some((w) => w.includes('variant "treatment"') && w.includes('control'))).toBe(true);
  });

  it('zero variance in both arms: the difference is known, the rest is null', () => {
    const answer = check(twoArmRequest({ n: 10, sum: 20, sumSquares: 40 }, { n: 10, sum: 30, sumSquares: 90 }));
    const t = variant(answer);
    expect(t.absolute).toEqual({ estimate: 1, ciLow: null, ciHigh: null });
    expect(t.relative).toEqual({ estimate: 0.5, ciLow: null, ciHigh: null });
    expect(t.pValue).toBeNull();
    expect(t.adjustedPValue).toBeNull();
    expect(answer.warnings).toEqual(['metric "m", variant "treatment": zero variance in both arms; no interval, p-value, chance to win or risk']);
  });

  it('zero variance for proportions (no conversions anywhere)', () => {
    const answer = check(twoArmRequest({ n: 500, sum: 0 }, { n: 500, sum: 0 }, {}, 'proportion'));
    expect(variant(answer).pValue).toBeNull();
    expect(answer.warnings.some((w) => w.includes('relative lift, its interval and risk undefined because the control mean is 0'))).toBe(true);
  });

  it('zero control mean: relative is null with a warning, the absolute result stands', () => {
    const answer = check(twoArmRequest({ n: 100, sum: 0, sumSquares: 100 }, { n: 100, sum: 30, sumSquares: 110 }));
    const t = variant(answer);
    expect(t.relative).toEqual(nullInterval);
    expect(t.absolute?.ciLow).toBeTypeOf('number');
    expect(t.pValue).toBeTypeOf('number');
    expect(t.chanceToWin).toBeGreaterThan(0.9); // falls back to P(Δ > 0)
    expect(t.risk).toEqual({ control: null, treatment: null });
    expect(answer.warnings).toEqual(['metric "m", variant "treatment": relative lift, its interval and risk undefined because the control mean is 0']);
  });

  it('negative means: relative lift divides by |μ_C|, so an improvement is positive', () => {
    const answer = check(twoArmRequest({ n: 400, sum: -4000, sumSquares: 400 * (100 + 9) }, { n: 400, sum: -3600, sumSquares: 400 * (81 + 9) }));
    const t = variant(answer);
    expect(t.absolute?.estimate).toBeCloseTo(1, 12);
    expect(t.relative?.estimate).toBeCloseTo(0.1, 12);
    expect(t.chanceToWin).toBeGreaterThan(0.99);
    expect(answer.warnings).toEqual([]);
  });

  it('ratio with a zero denominator', () => {
    const zero = { n: 50, sum: 0, sumSquares: 0, denominatorSum: 0, denominatorSumSquares: 0, sumProduct: 0 };
    const ok = { n: 50, sum: 100, sumSquares: 300, denominatorSum: 60, denominatorSumSquares: 80, sumProduct: 130 };
    const answer = check(twoArmRequest(zero, ok, {}, 'ratio'));
    expect(variant(answer).absolute).toEqual(nullInterval);
    expect(answer.warnings.some((w) => w.includes('variant "control"') && w.includes('denominator'))).toBe(true);
  });

  it('missing or malformed data from an unvalidated caller never throws', () => {
    const req = twoArmRequest(normal, normal);
    const metric = req.metrics[0];
    if (metric) metric.data = { control: normal, treatment: { n: 10, sum: Number.NaN, sumSquares: 1 } };
    const answer = check(req);
    expect(answer.warnings.some((w) => w.includes('variant "treatment"') && w.includes('sum'))).toBe(true);
    if (metric) metric.data = { control: normal };
    expect(check(req).warnings.some((w) => w.includes('no data for this variant'))).toBe(true);
  });

  it('a proportion with more conversions than users', () => {
    const answer = check(twoArmRequest({ n: 10, sum: 11 }, { n: 10, sum: 2 }, {}, 'proportion'));
    expect(variant(answer).pValue).toBeNull();
    expect(answer.warnings).toContain('metric "m", variant "control": impossible input: sum conversions cannot exceed n');
  });

  it('bad options fall back to defaults with a warning', () => {
    const answer = check(twoArmRequest(normal, { ...normal, sum: 520 }, { alpha: 2, control: 'nope', prior: { mean: 0, variance: 0 }, extraIntervals: [1.5] }));
    expect(answer.warnings.length).toBe(4);
    expect(variant(answer).pValue).toBeTypeOf('number');
  });

  it('CUPED that cannot run is skipped with a warning, and the result is unadjusted', () => {
    const flat = { sum: 100, sumSquares: 100, sumProduct: 500 }; // x ≡ 1
    const answer = check(twoArmRequest({ ...normal, covariate: flat }, { ...normal, sum: 520, covariate: { ...flat, sumProduct: 520 } }));
    expect(variant(answer).cuped).toBe(false);
    expect(answer.warnings).toEqual(['metric "m": covariate has no variance; CUPED skipped']);
    const partial = check(twoArmRequest({ ...normal, covariate: { sum: 50, sumSquares: 60, sumProduct: 300 } }, normal));
    expect(partial.warnings[0]).toMatch(/some variants only/);
  });

  it('the sanitizer turns any non-finite number into null with a warning', () => {
    const value = { a: [1, Number.NaN], b: { c: Infinity } };
    const warnings = sanitizeInPlace(value);
    expect(value).toEqual({ a: [1, null], b: { c: null } });
    expect(warnings).toEqual(['a[1]: non-finite value (NaN) replaced by null', 'b.c: non-finite value (Infinity) replaced by null']);
  });
});
