// Quantile metrics: the engine's numbers against R (tests/r/generate-fixtures.R, "quantile": R's type-1
// sample quantiles, the order-statistic bracket, n* for clustered events, and the z comparison by
// formula), and what the engine says when a quantile cannot be compared.
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, bracketLevels, clusteredEffectiveN } from '../../../lib/stats';
import type { ClusterSums, QuantileSummary, StatsRequest } from '../../../lib/stats';
import { runStatsCli } from '../../../lib/stats/cli';
import { allFinite, close, fixture, reportWorst, twoArmRequest, variant } from './helpers';

interface Arm {
  n: number;
  quantile: QuantileSummary;
  sums: ClusterSums | null;
}
interface QuantileCase {
  alpha: number; control: Arm; treatment: Arm;
  estimate: number; ciLow: number; ciHigh: number; pValue: number;
  relEstimate: number; relCiLow: number; relCiHigh: number; chanceToWin: number; treatmentSd: number;
}
const cases = fixture<QuantileCase[]>('quantile');
const input = (a: Arm) => ({ n: a.n, quantile: a.quantile });

describe('quantile metrics vs R', () => {
  afterAll(() => reportWorst('quantile'));

  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const answer = analyze(twoArmRequest(input(c.control), input(c.treatment), { alpha: c.alpha }, 'quantile'));
    expect(answer.warnings).toEqual([]);
    const t = variant(answer);
    expect(variant(answer, 'control').mean).toBe(c.control.quantile.estimate);
    close('stdDev', t.stdDev, c.treatmentSd, 1e-12);
    const half = c.ciHigh - c.estimate;
    close('estimate', t.absolute?.estimate, c.estimate, 1e-12, half);
    close('ciLow', t.absolute?.ciLow, c.ciLow, 1e-9, half);
    close('ciHigh', t.absolute?.ciHigh, c.ciHigh, 1e-9, half);
    close('pValue', t.pValue, c.pValue, 1e-6);
    const relHalf = c.relCiHigh - c.relEstimate;
    close('relative', t.relative?.estimate, c.relEstimate, 1e-12, relHalf);
    close('relCiLow', t.relative?.ciLow, c.relCiLow, 1e-9, relHalf);
    close('relCiHigh', t.relative?.ciHigh, c.relCiHigh, 1e-9, relHalf);
    close('chanceToWin', t.chanceToWin, c.chanceToWin, 1e-6);
  });

  it("n* from the per-user sums the warehouse adds up equals R's, and the bracket levels follow from it", () => {
    const clustered = cases.flatMap((c) => [c.control, c.treatment]).filter((a) => a.sums !== null);
    expect(clustered.length).toBeGreaterThan(10);
    for (const a of clustered) {
      const q = a.quantile;
      close('effectiveN', clusteredEffectiveN(q.level, a.sums as ClusterSums), q.effectiveN, 1e-9);
      // clustering: fewer effective units than events
      expect(q.effectiveN).toBeLessThan((a.sums as ClusterSums).events);
    }
    expect(bracketLevels(0.9, 2, 100)).toEqual({ lower: 0.9 - 2 * 0.03, upper: 0.9 + 2 * 0.03 });
  });

  it('with one event per user n* ≈ n', () => {
    // 1000 users, one event each, 900 at or below the estimate
    const sums: ClusterSums = { users: 1000, events: 1000, atOrBelow: 900, atOrBelowSquares: 900, eventsSquares: 1000, product: 900 };
    expect(clusteredEffectiveN(0.9, sums)).toBeCloseTo(999, 6);
  });
});

describe('quantile metrics: what cannot be compared says why', () => {
  const q = (level: number, estimate: number, lower: number, upper: number, effectiveN = 2000): QuantileSummary => ({
    level,
    estimate,
    lower,
    upper,
    bracketZ: 1.96,
    effectiveN,
  });
  const control = { n: 2000, quantile: q(0.9, 50, 48, 52) };
  const treatment = { n: 2000, quantile: q(0.9, 54, 51.5, 56.5) };
  const request = (c: object, t: object, extra: Partial<StatsRequest> = {}) => twoArmRequest(c as never, t as never, extra, 'quantile');

  it('the difference uses normal quantiles: se = (upper − lower)/(2·bracketZ) per arm', () => {
    const answer = analyze(request(control, treatment, { extraIntervals: [0.68] }));
    const t = variant(answer);
    const se = Math.hypot(4 / 3.92, 5 / 3.92);
    expect(t.absolute?.ciLow).toBeCloseTo(4 - 1.959963984540054 * se, 12);
    expect(t.intervals?.[0]?.absolute.ciHigh).toBeCloseTo(4 + 0.994457883209753 * se, 12); // qnorm(0.84)
    expect(answer.warnings).toEqual([]);
  });

  it('covariates: no CUPED for quantiles, with a warning', () => {
    const cov = { sum: 10, sumSquares: 20, sumProduct: 15 };
    const answer = analyze(request({ ...control, covariate: cov }, { ...treatment, covariate: cov }));
    expect(variant(answer).cuped).toBe(false);
    expect(answer.warnings).toEqual(['metric "m": CUPED is not supported for quantile metrics; results are unadjusted']);
  });

  it('sequential: fixed-horizon intervals for quantiles, with a warning', () => {
    const fixed = variant(analyze(request(control, treatment)));
    const answer = analyze(request(control, treatment, { sequential: true }));
    expect(variant(answer).absolute).toEqual(fixed.absolute);
    expect(answer.warnings).toEqual(['metric "m": sequential testing is not available for quantile metrics; fixed-horizon intervals and p-values']);
  });

  it.each([
    ['no values (null quantile)', { n: 0, quantile: null }, 'metric "m", variant "treatment": no quantile for this variant (no values)'],
    ['too few values for p99', { n: 50, quantile: q(0.99, 60, 55, 70, 50) }, 'metric "m", variant "treatment": too few values for a p99 interval: its bracket needs effectiveN > 380.3 (got 50)'],
    ['an estimate outside its bracket', { n: 2000, quantile: q(0.9, 60, 61, 65) }, 'metric "m", variant "treatment": impossible input: quantile.lower ≤ estimate ≤ upper does not hold'],
    ['another level than the control', { n: 2000, quantile: q(0.5, 30, 29, 31) }, 'metric "m", variant "treatment": quantile levels differ across variants (0.9, 0.5)'],
  ])('%s', (_, t, warning) => {
    const answer = analyze(request(control, t));
    expect(allFinite(answer)).toBe(true);
    expect(variant(answer).absolute).toEqual({ estimate: null, ciLow: null, ciHigh: null });
    expect(answer.warnings).toContain(warning);
  });

  it('a zero-width bracket (ties at the estimate) is compared but flagged', () => {
    const answer = analyze(request({ n: 2000, quantile: q(0.9, 0, 0, 0) }, treatment)); // e.g. p90 of revenue when most users spend nothing
    expect(variant(answer).pValue).toBeTypeOf('number');
    expect(answer.warnings).toContain(
      'metric "m": variant "control": the quantile\'s bracket has zero width (values tie at the estimate), so its standard error is 0 and the interval understates the uncertainty',
    );
  });
});

describe('quantile input on the stats CLI', () => {
  const body = (t: object, c: object = { n: 2000, quantile: { level: 0.9, estimate: 50, lower: 48, upper: 52, bracketZ: 1.96, effectiveN: 2000 } }) =>
    JSON.stringify({
      variants: [
        { id: 'control', weight: 1, users: 2000 },
        { id: 'treatment', weight: 1, users: 2000 },
      ],
      metrics: [{ key: 'p90', type: 'quantile', data: { control: c, treatment: t } }],
    });
  const good = { n: 2000, quantile: { level: 0.9, estimate: 54, lower: 51.5, upper: 56.5, bracketZ: 1.96, effectiveN: 2000 } };

  it('answers a quantile request', () => {
    const r = runStatsCli(body(good));
    expect(r.stderr).toBe('');
    const answer = JSON.parse(r.stdout);
    expect(answer.metrics[0].type).toBe('quantile');
    expect(answer.metrics[0].variants[1].absolute.estimate).toBe(4);
  });

  it.each([
    ['a bracket above the estimate', { ...good, quantile: { ...good.quantile, lower: 55 } }, 'metrics[0].data.treatment.quantile.lower: must be at most the estimate 54 (got 55)'],
    ['a bracket below the estimate', { ...good, quantile: { ...good.quantile, upper: 53 } }, 'metrics[0].data.treatment.quantile.upper: must be at least the estimate 54 (got 53)'],
    ['another level', { ...good, quantile: { ...good.quantile, level: 0.5 } }, "metrics[0].data.treatment.quantile.level: must equal the other variants' level (0.9)"],
    ['a level outside (0, 1)', { ...good, quantile: { ...good.quantile, level: 90 } }, 'metrics[0].data.treatment.quantile.level: expected a number in (0, 1)'],
    ['a zero bracketZ', { ...good, quantile: { ...good.quantile, bracketZ: 0 } }, 'metrics[0].data.treatment.quantile.bracketZ: expected a positive number'],
    ['a quantile for no users', { n: 0, quantile: good.quantile }, 'metrics[0].data.treatment.quantile: must be null because n is 0'],
    ['sums instead of a quantile', { n: 2000, sum: 5 }, 'metrics[0].data.treatment.quantile: required'],
    ['an unknown field beside the quantile', { ...good, sum: 5 }, 'metrics[0].data.treatment.sum: unknown field'],
  ])('refuses %s with exit 2 naming the field', (_, t, message) => {
    const r = runStatsCli(body(t));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`invalid request: ${message}\n`);
  });

  it('accepts null for a variant without values', () => {
    const r = runStatsCli(body({ n: 0, quantile: null }));
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).warnings).toContain('metric "p90", variant "treatment": no quantile for this variant (no values)');
  });
});
