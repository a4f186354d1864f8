// The stats CLI: JSON on stdin, JSON on stdout; bad input → exit 2 with one stderr line naming the field.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStatsCli } from '../../../lib/stats/cli';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function run(input: string) {
  const r = spawnSync(TSX, ['scripts/stats.ts'], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const request = {
  alpha: 0.05,
  correction: 'none',
  sequential: false,
  control: 'control',
  variants: [
    { id: 'control', weight: 1, users: 10000 },
    { id: 'treatment', weight: 1, users: 10050 },
  ],
  metrics: [
    {
      key: 'orders',
      type: 'mean',
      data: {
        control: { n: 10000, sum: 1234.0, sumSquares: 5678.0, covariate: { sum: 1000.0, sumSquares: 4000.0, sumProduct: 3000.0 } },
        treatment: { n: 10050, sum: 1300.0, sumSquares: 6000.0, covariate: { sum: 1010.0, sumSquares: 4100.0, sumProduct: 3100.0 } },
      },
    },
  ],
};
const withField = (mutate: (r: any) => void) => {
  const copy = structuredClone(request);
  mutate(copy);
  return JSON.stringify(copy);
};

describe('stats CLI (spawned)', () => {
  it('answers the STATS-CLI.md example request', () => {
    const { code, stdout, stderr } = run(JSON.stringify(request));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(Object.keys(answer)).toEqual(['srm', 'metrics', 'warnings']);
    expect(answer.srm).toEqual({ chiSquare: expect.any(Number), pValue: expect.any(Number), mismatch: false });
    const [control, treatment] = answer.metrics[0].variants;
    expect(control).toEqual({ id: 'control', n: 10000, mean: 0.1234, stdDev: expect.any(Number) });
    expect(treatment).toMatchObject({
      id: 'treatment',
      n: 10050,
      absolute: { estimate: expect.any(Number), ciLow: expect.any(Number), ciHigh: expect.any(Number) },
      relative: { estimate: expect.any(Number), ciLow: expect.any(Number), ciHigh: expect.any(Number) },
      pValue: expect.any(Number),
      adjustedPValue: expect.any(Number),
      chanceToWin: expect.any(Number),
      cuped: true,
    });
  });

  it('answers a power request', () => {
    const { code, stdout } = run('{ "power": { "type": "proportion", "baseline": 0.1, "mde": 0.05, "alpha": 0.05, "power": 0.8 } }');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ power: { usersPerVariant: 57763 } });
  });

  it('rejects an unknown field with exit 2 and one line naming it', () => {
    const { code, stdout, stderr } = run(withField((r) => (r.metrics[0].data.treatment.bogus = 1)));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('invalid request: metrics[0].data.treatment.bogus: unknown field\n');
  });

  it('rejects invalid JSON with exit 2 and one line', () => {
    const { code, stderr } = run('{"variants": [');
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^invalid JSON: /);
  });
});

describe('request validation (in process)', () => {
  const error = (input: string) => {
    const r = runStatsCli(input);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd()).not.toContain('\n');
    return r.stderr.trimEnd();
  };

  it.each([
    ['negative n', (r: any) => (r.metrics[0].data.treatment.n = -1), 'metrics[0].data.treatment.n: expected a non-negative integer'],
    ['fractional n', (r: any) => (r.metrics[0].data.control.n = 2.5), 'metrics[0].data.control.n: expected a non-negative integer'],
    ['unknown top-level field', (r: any) => (r.colour = 'red'), 'colour: unknown field'],
    ['missing data entry', (r: any) => delete r.metrics[0].data.treatment, 'metrics[0].data.treatment: missing entry for this variant'],
    ['data for an unknown variant', (r: any) => (r.metrics[0].data.ghost = { n: 1, sum: 1, sumSquares: 1 }), 'metrics[0].data.ghost: not a variant id'],
    ['covariate on some variants only', (r: any) => delete r.metrics[0].data.treatment.covariate, 'metrics[0].data.treatment.covariate: covariate must be given for all variants or none'],
    ['unknown control', (r: any) => (r.control = 'nobody'), 'control: "nobody" is not a variant id'],
    ['alpha out of range', (r: any) => (r.alpha = 1), 'alpha: expected a number in (0, 1)'],
    ['zero weight', (r: any) => (r.variants[1].weight = 0), 'variants[1].weight: expected a positive number'],
    ['one variant', (r: any) => r.variants.pop(), 'variants: expected at least 2 variants'],
    ['bad metric type', (r: any) => (r.metrics[0].type = 'median'), 'metrics[0].type: expected type "mean", "proportion" or "ratio"'],
    ['missing sumSquares for a mean', (r: any) => delete r.metrics[0].data.control.sumSquares, 'metrics[0].data.control.sumSquares: required'],
    ['bad correction', (r: any) => (r.correction = 'bonferroni'), 'correction: expected "none", "holm" or "bh"'],
    ['string where a number belongs', (r: any) => (r.metrics[0].data.control.sum = '12'), 'metrics[0].data.control.sum: expected a finite number'],
  ])('%s', (_, mutate, message) => {
    expect(error(withField(mutate))).toBe(`invalid request: ${message}`);
  });

  it('checks proportions and ratios by type', () => {
    const proportion = withField((r) => {
      r.metrics[0] = { key: 'cr', type: 'proportion', data: { control: { n: 10, sum: 11 }, treatment: { n: 10, sum: 2 } } };
    });
    expect(error(proportion)).toBe('invalid request: metrics[0].data.control.sum: conversions cannot exceed n');
    const ratio = withField((r) => {
      r.metrics[0] = { key: 'aov', type: 'ratio', data: { control: { n: 10, sum: 11, sumSquares: 20 }, treatment: { n: 10, sum: 2, sumSquares: 1 } } };
    });
    expect(error(ratio)).toMatch(/^invalid request: metrics\[0\]\.data\.control\.(denominatorSum|denominatorSumSquares|sumProduct): required$/);
  });

  it('accepts the documented extensions and applies defaults', () => {
    const minimal = withField((r) => {
      delete r.alpha;
      delete r.correction;
      delete r.sequential;
      delete r.control;
      r.prior = { mean: 0, variance: 0.04 };
      r.sequentialTuning = 20000;
      r.extraIntervals = [0.68];
    });
    const out = runStatsCli(minimal);
    expect(out.exitCode).toBe(0);
    const treatment = JSON.parse(out.stdout).metrics[0].variants[1];
    expect(treatment.intervals[0].level).toBe(0.68);
    expect(treatment.risk).toEqual({ control: expect.any(Number), treatment: expect.any(Number) });
  });

  it('validates power requests', () => {
    expect(error('{"power":{"type":"mean","baseline":3,"mde":0.1}}')).toBe('invalid request: power.sd: required for mean metrics');
    expect(error('{"power":{"type":"proportion","baseline":0.1}}')).toBe('invalid request: power.mde: give exactly one of mde and usersPerVariant');
    expect(error('{"power":{"type":"proportion","baseline":0.1,"mde":0.05,"beta":0.2}}')).toBe('invalid request: power.beta: unknown field');
    expect(JSON.parse(runStatsCli('{"power":{"type":"proportion","baseline":0.1,"usersPerVariant":57763}}').stdout).power.mde).toBeCloseTo(0.05, 4);
  });

  it('rejects non-object JSON', () => {
    expect(error('[]')).toBe('invalid request: (root): expected an object');
    expect(error('')).toMatch(/^invalid JSON: /);
  });
});
