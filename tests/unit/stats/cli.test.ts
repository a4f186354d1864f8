// The stats CLI: JSON on stdin, JSON on stdout; bad input → exit 2 with one stderr line naming the field.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStatsCli } from '../../../lib/stats/cli';
import { benchRequest } from '../../../scripts/bench-stats';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function run(input: string) {
  const r = spawnSync(TSX, ['scripts/stats.ts'], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
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
    ['alpha out of range', (r: any) => (r.alpha = 1), 'alpha: expected a number in [0.001, 0.5]'],
    ['alpha that rounds the interval to 100%', (r: any) => (r.alpha = 1e-17), 'alpha: expected a number in [0.001, 0.5]'],
    ['alpha of a coin flip', (r: any) => (r.alpha = 0.6), 'alpha: expected a number in [0.001, 0.5]'],
    ['an extra level outside the alpha range', (r: any) => (r.extraIntervals = [0.68, 0.9999]), 'extraIntervals[1]: expected a level in [0.5, 0.999]'],
    ['zero weight', (r: any) => (r.variants[1].weight = 0), 'variants[1].weight: expected a positive number'],
    ['one variant', (r: any) => r.variants.pop(), 'variants: expected at least 2 variants'],
    ['bad metric type', (r: any) => (r.metrics[0].type = 'median'), 'metrics[0].type: expected type "mean", "proportion", "ratio" or "quantile"'],
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

// Issue 9, finding 6: 10 variants × 10 metrics × 15,000 extraIntervals (a 260 KB request) built an
// answer JavaScript could not turn into a string: "RangeError: Invalid string length", a stack, exit 1.
describe('request bounds', () => {
  const wide = (variants: number, metrics: number, extraIntervals: number[] = []) => ({
    variants: Array.from({ length: variants }, (_, i) => ({ id: `v${i}`, weight: 1, users: 1000 })),
    metrics: Array.from({ length: metrics }, (_, j) => ({
      key: `m${j}`,
      type: 'mean',
      data: Object.fromEntries(Array.from({ length: variants }, (_, i) => [`v${i}`, { n: 1000, sum: 500 + i, sumSquares: 2000 }])),
    })),
    extraIntervals,
  });
  const levels = (k: number) => Array.from({ length: k }, (_, i) => 0.5 + (0.49 * i) / k);
  const message = (req: unknown) => {
    const r = runStatsCli(JSON.stringify(req));
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    return r.stderr.trimEnd();
  };

  it('the 10 variants × 10 metrics × 15,000 extraIntervals request: exit 2 and one line, no stack', () => {
    const { code, stdout, stderr } = run(JSON.stringify(wide(10, 10, levels(15_000))));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('invalid request: extraIntervals: expected at most 10 levels (got 15000)\n');
  });

  it('more than 8 MiB on stdin: exit 2 before parsing', () => {
    const { code, stdout, stderr } = run(' '.repeat(8 * 1024 * 1024 + 1));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('invalid request: more than 8 MiB of JSON on stdin (the limit)\n');
    expect(message(JSON.stringify({ pad: 'x'.repeat(8 * 1024 * 1024) })).startsWith('invalid request: more than 8 MiB')).toBe(true);
  });

  it('bounds variants, metrics, comparisons and extra intervals in all, naming the field', () => {
    expect(message(wide(51, 1))).toBe('invalid request: variants: expected at most 50 variants (got 51)');
    expect(message(wide(2, 5001))).toBe('invalid request: metrics: expected at most 5000 metrics (got 5001)');
    expect(message(wide(11, 2001))).toBe('invalid request: metrics: 2001 metrics × 10 treatment variants = 20010 comparisons; at most 20000');
    expect(message(wide(11, 1001, levels(2)))).toBe(
      'invalid request: extraIntervals: 2 levels × 10010 comparisons = 20020 extra intervals; at most 20000',
    );
  });

  it('at the bounds the answer is built and printed whole (the benchmark request: 20,000 comparisons, one extra level)', () => {
    const request = JSON.stringify(benchRequest());
    const r = runStatsCli(request);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.metrics).toHaveLength(5000);
    expect(answer.metrics.flatMap((m: { variants: { intervals?: unknown[] }[] }) => m.variants.flatMap((v) => v.intervals ?? []))).toHaveLength(20_000);
    expect(r.stdout.length).toBeLessThan(64 * 1024 * 1024);
  });
});

// Issue 9, finding 10: sums no data can give are refused with exit 2, naming the field.
describe('impossible input', () => {
  const two = (type: string, control: object, treatment: object) =>
    JSON.stringify({
      variants: [
        { id: 'control', weight: 1, users: 100 },
        { id: 'treatment', weight: 1, users: 100 },
      ],
      metrics: [{ key: 'm', type, data: { control, treatment } }],
    });
  const ok = { n: 100, sum: 500, sumSquares: 2900 };
  const okRatio = { n: 50, sum: 100, sumSquares: 300, denominatorSum: 60, denominatorSumSquares: 80, sumProduct: 130 };
  const refuse = (input: string) => {
    const r = runStatsCli(input);
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(2);
    return r.stderr.trimEnd();
  };

  it.each([
    ['Σy² < (Σy)²/n', two('mean', { n: 100, sum: 500, sumSquares: 2000 }, ok), 'metrics[0].data.control.sumSquares: must be at least (sum)²/n = 2500 (got 2000): no data gives these sums'],
    ['sums of 1e308', two('mean', ok, { n: 10, sum: 1e308, sumSquares: 1e308 }), 'metrics[0].data.treatment.sumSquares: must be at least (sum)²/n, which overflows double precision (sum = 1e+308, n = 10): rescale the metric'],
    ['sums with n = 0', two('mean', ok, { n: 0, sum: 3, sumSquares: 9 }), 'metrics[0].data.treatment.sum: must be 0 because n is 0 (got 3)'],
    ['negative n', two('mean', ok, { n: -5, sum: 0, sumSquares: 0 }), 'metrics[0].data.treatment.n: expected a non-negative integer'],
    ['conversions > n', two('proportion', { n: 10, sum: 11 }, { n: 10, sum: 2 }), 'metrics[0].data.control.sum: conversions cannot exceed n'],
    ['Σy² ≠ Σy for 0/1 values', two('proportion', { n: 10, sum: 4, sumSquares: 9 }, { n: 10, sum: 2 }), 'metrics[0].data.control.sumSquares: must equal sum (4) for 0/1 values (got 9)'],
    ['a ratio denominator with Σx² < (Σx)²/n', two('ratio', okRatio, { ...okRatio, denominatorSumSquares: 70 }), 'metrics[0].data.treatment.denominatorSumSquares: must be at least (denominatorSum)²/n = 72 (got 70): no data gives these sums'],
    ['a ratio Σxy beyond Cauchy–Schwarz', two('ratio', okRatio, { ...okRatio, sumProduct: 400 }), 'metrics[0].data.treatment.sumProduct: outside what the other sums allow (Cauchy–Schwarz): no data gives these sums'],
    [
      'a covariate with Σx² < (Σx)²/n',
      two('mean', { ...ok, covariate: { sum: 100, sumSquares: 50, sumProduct: 500 } }, { ...ok, covariate: { sum: 100, sumSquares: 200, sumProduct: 500 } }),
      'metrics[0].data.control.covariate.sumSquares: must be at least (covariate.sum)²/n = 100 (got 50): no data gives these sums',
    ],
    [
      'a covariate Σxy beyond Cauchy–Schwarz',
      two('mean', { ...ok, covariate: { sum: 100, sumSquares: 200, sumProduct: 5000 } }, { ...ok, covariate: { sum: 100, sumSquares: 200, sumProduct: 500 } }),
      'metrics[0].data.control.covariate.sumProduct: outside what the covariate and metric sums allow (Cauchy–Schwarz): no data gives these sums',
    ],
  ])('%s', (_, input, message) => {
    expect(refuse(input)).toBe(`invalid request: ${message}`);
  });

  it('accepts sums that rounding made slightly inconsistent (constant data at 1e12 scale)', () => {
    const n = 3_000_000;
    const v = 1e6 / 7;
    const constant = { n, sum: v * n, sumSquares: v * v * n };
    expect(runStatsCli(two('mean', constant, { ...constant, sum: constant.sum * 1.01, sumSquares: constant.sumSquares * 1.0201 })).exitCode).toBe(0);
  });
});

// Issue 9, finding 8: one alpha range for the CLI, the engine and the dashboard (lib/stats/bounds.ts).
describe('alpha range', () => {
  it('accepts both ends of [0.001, 0.5] and refuses power requests outside it', () => {
    for (const alpha of [0.001, 0.5]) {
      const r = runStatsCli(withField((req) => (req.alpha = alpha)));
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).warnings).toEqual([]);
    }
    const power = (alpha: number) => runStatsCli(JSON.stringify({ power: { type: 'proportion', baseline: 0.1, mde: 0.05, alpha } }));
    expect(power(0.001).exitCode).toBe(0);
    expect(power(1e-17).stderr).toBe('invalid request: power.alpha: expected a number in [0.001, 0.5]\n');
  });
});
