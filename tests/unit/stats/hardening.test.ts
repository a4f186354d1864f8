// Issue 9, findings 8 and 10 in the engine itself (the app calls analyze() without the CLI's schema):
// every null has a warning saying why, zero conversions give no fake [-1, -1] interval, sums near the
// largest double are computed or reported as overflow (never as "zero variance"), impossible sums
// are named, and alpha stays in its one range.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import type { StatsAnswer, StatsRequest, VariantData } from '../../../lib/stats';
import { allFinite, twoArmRequest, variant } from './helpers';

const normal: VariantData = { n: 100, sum: 500, sumSquares: 100 * (25 + 4) };
const p90 = (estimate: number, lower: number, upper: number) => ({ level: 0.9, estimate, lower, upper, bracketZ: 1.96, effectiveN: 500 });

function check(req: StatsRequest): StatsAnswer {
  const answer = analyze(req);
  expect(allFinite(answer)).toBe(true);
  expect(everyNullExplained(answer)).toEqual([]);
  return answer;
}

/** Paths of nulls in the answer that no warning explains (a warning names the metric and variant, or the SRM). */
function everyNullExplained(answer: StatsAnswer): string[] {
  const unexplained: string[] = [];
  const nullsIn = (value: unknown, path: string, out: string[]) => {
    if (value === null) out.push(path);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) nullsIn(v, `${path}.${k}`, out);
  };
  const srmNulls: string[] = [];
  nullsIn(answer.srm, 'srm', srmNulls);
  if (srmNulls.length > 0 && !answer.warnings.some((w) => w.startsWith('srm:'))) unexplained.push(...srmNulls);
  for (const m of answer.metrics) {
    for (const v of m.variants) {
      const nulls: string[] = [];
      nullsIn(v, `metrics.${m.key}.${v.id}`, nulls);
      if (nulls.length > 0 && !answer.warnings.some((w) => w.startsWith(`metric "${m.key}", variant "${v.id}": `))) unexplained.push(...nulls);
    }
  }
  return unexplained;
}

describe('zero conversions in the treatment', () => {
  const request = twoArmRequest({ n: 1000, sum: 5 }, { n: 1000, sum: 0 }, {}, 'proportion');

  it('relative interval and risk are null with a warning; no zero-width [-1, -1] interval', () => {
    const answer = check({ ...request, extraIntervals: [0.68] });
    const t = variant(answer);
    expect(t.relative).toEqual({ estimate: -1, ciLow: null, ciHigh: null });
    expect(t.intervals?.[0]?.relative).toEqual({ estimate: -1, ciLow: null, ciHigh: null });
    expect(t.risk).toEqual({ control: null, treatment: null });
    expect(t.absolute?.ciLow).toBeLessThan(-0.005);
    expect(t.absolute?.ciHigh).toBeGreaterThan(-0.005);
    // P(Δ > 0) = Φ(Δ/se) with Δ = −0.005 and se = √(0.005·0.995/1000)
    expect(t.chanceToWin).toBeCloseTo(0.5 * (1 + erf(-0.005 / Math.sqrt(0.000004975) / Math.SQRT2)), 12);
    expect(answer.warnings).toEqual([
      'metric "m", variant "treatment": the relative lift\'s standard error is 0 because the treatment is 0 for every user (e.g. no conversions); no relative interval and no risk; chance to win is P(Δ > 0)',
    ]);
  });
});

/** erf by its Maclaurin series (enough terms for |x| < 8), independent of the engine's normal CDF. */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let k = 1; k < 200; k++) {
    term *= (-x * x) / k;
    sum += term / (2 * k + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('sums near the largest double', () => {
  // values ~6e153: Σy ≈ 2.4e154 and Σy² ≈ 1.5e308 are valid doubles, but n·Σy² overflows
  const huge = (values: number[]): VariantData => ({
    n: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    sumSquares: values.reduce((a, b) => a + b * b, 0),
  });
  const scale = 2 ** 450; // exact: the same data divided by a power of two
  const controlValues = [6e153, 5.8e153, 6.1e153, 5.95e153];
  const treatmentValues = [6.2e153, 6.05e153, 6.3e153, 6.1e153];

  it('are computed, equal to the same data scaled down (no "zero variance")', () => {
    const big = check(twoArmRequest(huge(controlValues), huge(treatmentValues)));
    const small = check(twoArmRequest(huge(controlValues.map((v) => v / scale)), huge(treatmentValues.map((v) => v / scale))));
    expect(big.warnings).toEqual([]);
    const t = huge(treatmentValues);
    expect(t.n * (t.sumSquares as number)).toBe(Infinity); // the trap is real
    const b = variant(big);
    const s = variant(small);
    expect(b.pValue).toBeCloseTo(s.pValue as number, 10);
    expect((b.absolute?.ciLow as number) / scale / (s.absolute?.ciLow as number)).toBeCloseTo(1, 10);
    expect((b.absolute?.ciHigh as number) / scale / (s.absolute?.ciHigh as number)).toBeCloseTo(1, 10);
    expect(b.relative?.ciLow).toBeCloseTo(s.relative?.ciLow as number, 10);
    expect((b.stdDev as number) / scale / (s.stdDev as number)).toBeCloseTo(1, 10);
  });

  it('a ratio that overflows is reported as overflow', () => {
    const tinyDenominator = { n: 10, sum: 1e154, sumSquares: 1e308, denominatorSum: 1e-155, denominatorSumSquares: 1e-310, sumProduct: 0 };
    const ok = { n: 10, sum: 100, sumSquares: 2000, denominatorSum: 20, denominatorSumSquares: 50, sumProduct: 210 };
    const answer = check(twoArmRequest(ok, tinyDenominator, {}, 'ratio'));
    expect(variant(answer).absolute).toEqual({ estimate: null, ciLow: null, ciHigh: null });
    expect(answer.warnings).toEqual([
      'metric "m", variant "treatment": the sums overflow double precision (values too large or a denominator too close to 0); rescale the metric',
    ]);
    expect(answer.warnings.join(' ')).not.toMatch(/zero variance/);
  });
});

describe('impossible sums reach the engine without the CLI', () => {
  it('Σy² < (Σy)²/n (sums of 1e308) is named, not reported as zero variance', () => {
    const answer = check(twoArmRequest(normal, { n: 10, sum: 1e308, sumSquares: 1e308 }));
    expect(variant(answer).pValue).toBeNull();
    expect(answer.warnings).toEqual([
      'metric "m", variant "treatment": impossible input: sumSquares must be at least (sum)²/n, which overflows double precision (sum = 1e+308, n = 10): rescale the metric',
    ]);
  });

  it('an impossible covariate skips CUPED with a note and leaves the result unadjusted', () => {
    const answer = check(twoArmRequest({ ...normal, covariate: { sum: 100, sumSquares: 50, sumProduct: 500 } }, { ...normal, sum: 520, sumSquares: 3100, covariate: { sum: 100, sumSquares: 200, sumProduct: 520 } }));
    expect(variant(answer).cuped).toBe(false);
    expect(answer.warnings).toEqual([
      'metric "m": impossible covariate for variant "control": covariate.sumSquares must be at least (covariate.sum)²/n = 100 (got 50): no data gives these sums; CUPED skipped',
    ]);
  });
});

describe('every null has its warning', () => {
  const zeroVar = { n: 10, sum: 20, sumSquares: 40 };
  const cases: [string, StatsRequest][] = [
    ['treatment without users', twoArmRequest(normal, { n: 0, sum: 0, sumSquares: 0 })],
    ['control without users', twoArmRequest({ n: 0, sum: 0, sumSquares: 0 }, normal)],
    ['one user', twoArmRequest(normal, { n: 1, sum: 3, sumSquares: 9 })],
    ['zero variance in both arms', twoArmRequest(zeroVar, { n: 10, sum: 30, sumSquares: 90 })],
    ['zero control mean', twoArmRequest({ n: 100, sum: 0, sumSquares: 100 }, { n: 100, sum: 30, sumSquares: 110 })],
    ['zero control mean and zero variance', twoArmRequest({ n: 10, sum: 0, sumSquares: 0 }, zeroVar)],
    ['no conversions anywhere', twoArmRequest({ n: 500, sum: 0 }, { n: 500, sum: 0 }, {}, 'proportion')],
    ['no conversions in the treatment (the issue\'s case)', twoArmRequest({ n: 1000, sum: 50 }, { n: 1000, sum: 0 }, {}, 'proportion')],
    ['no conversions in the treatment, sequential', twoArmRequest({ n: 500, sum: 20 }, { n: 500, sum: 0 }, { sequential: true }, 'proportion')],
    ['all converted in the treatment', twoArmRequest({ n: 500, sum: 20 }, { n: 500, sum: 500 }, {}, 'proportion')],
    ['a zero ratio denominator', twoArmRequest({ n: 50, sum: 0, sumSquares: 0, denominatorSum: 0, denominatorSumSquares: 0, sumProduct: 0 }, { n: 50, sum: 100, sumSquares: 300, denominatorSum: 60, denominatorSumSquares: 80, sumProduct: 130 }, {}, 'ratio')],
    ['no users at all (SRM)', { ...twoArmRequest({ n: 0, sum: 0, sumSquares: 0 }, { n: 0, sum: 0, sumSquares: 0 }), variants: [{ id: 'control', weight: 1, users: 0 }, { id: 'treatment', weight: 1, users: 0 }] }],
    ['missing data for a variant', { ...twoArmRequest(normal, normal), metrics: [{ key: 'm', type: 'mean', data: { control: normal } }] }],
    ['a quantile without values', twoArmRequest({ n: 500, quantile: p90(50, 48, 52) }, { n: 0, quantile: null }, {}, 'quantile')],
    ['a quantile with too few values', twoArmRequest({ n: 500, quantile: p90(50, 48, 52) }, { n: 10, quantile: { ...p90(50, 40, 60), effectiveN: 10 } }, {}, 'quantile')],
    ['a quantile of 0 with ties in the control', twoArmRequest({ n: 500, quantile: p90(0, 0, 0) }, { n: 500, quantile: p90(1, 0, 2) }, {}, 'quantile')],
  ];
  it.each(cases)('%s', (_, req) => {
    check({ ...req, extraIntervals: [0.68] });
  });
});

describe('alpha outside [0.001, 0.5] in the engine', () => {
  it('1e-17 falls back to 0.05 with one warning instead of "100%" intervals and NaN notes', () => {
    const answer = check(twoArmRequest(normal, { ...normal, sum: 520 }, { alpha: 1e-17 }));
    const fallback = analyze(twoArmRequest(normal, { ...normal, sum: 520 }, { alpha: 0.05 }));
    expect(answer.warnings).toEqual(['alpha 1e-17 is not in [0.001, 0.5]; using 0.05']);
    expect(variant(answer).absolute).toEqual(variant(fallback).absolute);
  });

  it('the bounds themselves are used as given', () => {
    for (const alpha of [0.001, 0.5]) {
      const answer = check(twoArmRequest(normal, { ...normal, sum: 520 }, { alpha, extraIntervals: [1 - alpha] }));
      expect(answer.warnings).toEqual([]);
      const main = variant(answer).absolute;
      const extra = variant(answer).intervals?.[0]?.absolute;
      expect(extra?.ciLow).toBeCloseTo(main?.ciLow as number, 9);
      expect(extra?.ciHigh).toBeCloseTo(main?.ciHigh as number, 9);
    }
  });
});
