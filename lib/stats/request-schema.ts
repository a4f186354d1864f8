// Strict validation of CLI input (STATS-CLI.md). The engine itself never needs this: it tolerates
// bad data with null + warning. Here bad input is an error naming the offending field.
import { z } from 'zod';
import { ALPHA_RANGE, LEVEL_RANGE, REQUEST_LIMITS } from './bounds';
import { impossibleCovariate, impossibleOutcome } from './consistency';
import type { PowerRequest, StatsRequest } from './types';
import { formatPath } from './path';

const required = (expected: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : `expected ${expected}`),
});

const finite = z.number(required('a finite number'));
const nonNegative = z.number(required('a non-negative number')).min(0, 'expected a non-negative number');
const nonNegativeInt = z
  .number(required('a non-negative integer'))
  .int('expected a non-negative integer')
  .min(0, 'expected a non-negative integer');
const positive = z.number(required('a positive number')).gt(0, 'expected a positive number');
const unitInterval = z.number(required('a number in (0, 1)')).gt(0, 'expected a number in (0, 1)').lt(1, 'expected a number in (0, 1)');
const inRange = (what: string, range: { min: number; max: number }) => {
  const expected = `${what} in [${range.min}, ${range.max}]`;
  return z.number(required(expected)).min(range.min, `expected ${expected}`).max(range.max, `expected ${expected}`);
};
const alpha = inRange('a number', ALPHA_RANGE);
const level = inRange('a level', LEVEL_RANGE);
/** An array of at most `max` items, saying how many it got. */
const bounded = <T extends z.ZodType>(item: T, max: number, what: string, expected: string) =>
  z.array(item, required(expected)).max(max, { error: (issue) => `expected at most ${max} ${what} (got ${(issue.input as unknown[]).length})` });

const covariate = z.strictObject({ sum: finite, sumSquares: nonNegative, sumProduct: finite }, required('an object'));

const ratioCovariate = z.strictObject(
  {
    sum: finite,
    sumSquares: nonNegative,
    denominatorSum: finite,
    denominatorSumSquares: nonNegative,
    sumProduct: finite,
    numeratorPreNumerator: finite,
    numeratorPreDenominator: finite,
    denominatorPreNumerator: finite,
    denominatorPreDenominator: finite,
  },
  required('an object'),
);

const meanEntry = z.strictObject({ n: nonNegativeInt, sum: finite, sumSquares: nonNegative, covariate: covariate.optional() }, required('an object'));
const proportionEntry = z.strictObject(
  { n: nonNegativeInt, sum: nonNegative, sumSquares: nonNegative.optional(), covariate: covariate.optional() },
  required('an object'),
);
const ratioEntry = z.strictObject(
  {
    n: nonNegativeInt,
    sum: finite,
    sumSquares: nonNegative,
    denominatorSum: finite,
    denominatorSumSquares: nonNegative,
    sumProduct: finite,
    covariate: ratioCovariate.optional(),
  },
  required('an object'),
);

const quantileSummary = z.strictObject(
  {
    level: unitInterval,
    estimate: finite,
    lower: finite,
    upper: finite,
    bracketZ: positive,
    effectiveN: positive,
  },
  required('an object (or null when the variant has no values)'),
);
const quantileEntry = z.strictObject({ n: nonNegativeInt, quantile: quantileSummary.nullable(), covariate: covariate.optional() }, required('an object'));

const key = z.string(required('a non-empty string')).min(1, 'expected a non-empty string');
const dataOf = <T extends z.ZodType>(entry: T) => z.record(z.string(), entry, required('an object keyed by variant id'));

const metric = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ key, type: z.literal('mean'), data: dataOf(meanEntry) }),
    z.strictObject({ key, type: z.literal('proportion'), data: dataOf(proportionEntry) }),
    z.strictObject({ key, type: z.literal('ratio'), data: dataOf(ratioEntry) }),
    z.strictObject({ key, type: z.literal('quantile'), data: dataOf(quantileEntry) }),
  ],
  { error: 'expected type "mean", "proportion", "ratio" or "quantile"' },
);

const variant = z.strictObject({ id: key, weight: positive, users: nonNegativeInt }, required('an object'));

const statsRequest = z
  .strictObject(
    {
      alpha: alpha.optional(),
      correction: z.enum(['none', 'holm', 'bh'], { error: 'expected "none", "holm" or "bh"' }).optional(),
      sequential: z.boolean(required('true or false')).optional(),
      control: key.optional(),
      variants: bounded(variant, REQUEST_LIMITS.variants, 'variants', 'an array').min(2, 'expected at least 2 variants'),
      metrics: bounded(metric, REQUEST_LIMITS.metrics, 'metrics', 'an array'),
      prior: z.strictObject({ mean: finite, variance: positive }, required('an object')).optional(),
      sequentialTuning: positive.optional(),
      extraIntervals: bounded(level, REQUEST_LIMITS.extraIntervals, 'levels', `an array of levels in [${LEVEL_RANGE.min}, ${LEVEL_RANGE.max}]`).optional(),
    },
    required('an object'),
  )
  .superRefine((req, ctx) => {
    const ids = req.variants.map((v) => v.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['variants', i, 'id'], message: `duplicate variant id "${id}"` });
    });
    if (req.control !== undefined && !ids.includes(req.control)) {
      ctx.addIssue({ code: 'custom', path: ['control'], message: `"${req.control}" is not a variant id` });
    }
    const keys = req.metrics.map((m) => m.key);
    req.metrics.forEach((m, i) => {
      if (keys.indexOf(m.key) !== i) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'key'], message: `duplicate metric key "${m.key}"` });
      for (const id of ids) {
        if (!Object.hasOwn(m.data, id)) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'data', id], message: 'missing entry for this variant' });
      }
      for (const [id, entry] of Object.entries(m.data)) {
        const at = ['metrics', i, 'data', id];
        if (!ids.includes(id)) ctx.addIssue({ code: 'custom', path: at, message: 'not a variant id' });
        const impossible = impossibleOutcome(m.type, entry) ?? impossibleCovariate(m.type, entry);
        if (impossible) ctx.addIssue({ code: 'custom', path: [...at, ...impossible.field.split('.')], message: impossible.message });
      }
      if (m.type === 'quantile') {
        const entries = Object.entries(m.data).filter(([, e]) => e.quantile);
        const first = entries[0]?.[1].quantile?.level;
        const other = entries.find(([, e]) => e.quantile?.level !== first);
        if (other) {
          ctx.addIssue({ code: 'custom', path: ['metrics', i, 'data', other[0], 'quantile', 'level'], message: `must equal the other variants' level (${first})` });
        }
      }
      const withCovariate = Object.values(m.data).filter((e) => e.covariate !== undefined).length;
      if (withCovariate > 0 && withCovariate < Object.keys(m.data).length) {
        const missing = Object.entries(m.data).find(([, e]) => e.covariate === undefined)?.[0] ?? '';
        ctx.addIssue({ code: 'custom', path: ['metrics', i, 'data', missing, 'covariate'], message: 'covariate must be given for all variants or none' });
      }
    });
    // the answer grows with these products, so they are bounded too (STATS-CLI.md extension)
    const comparisons = req.metrics.length * (req.variants.length - 1);
    if (comparisons > REQUEST_LIMITS.comparisons) {
      ctx.addIssue({
        code: 'custom',
        path: ['metrics'],
        message: `${req.metrics.length} metrics × ${req.variants.length - 1} treatment variants = ${comparisons} comparisons; at most ${REQUEST_LIMITS.comparisons}`,
      });
    }
    const extra = comparisons * (req.extraIntervals?.length ?? 0);
    if (extra > REQUEST_LIMITS.extraIntervalsInAll) {
      ctx.addIssue({
        code: 'custom',
        path: ['extraIntervals'],
        message: `${req.extraIntervals?.length} levels × ${comparisons} comparisons = ${extra} extra intervals; at most ${REQUEST_LIMITS.extraIntervalsInAll}`,
      });
    }
  });

const powerRequest = z
  .strictObject(
    {
      power: z.strictObject(
        {
          type: z.enum(['proportion', 'mean'], { error: 'expected "proportion" or "mean"' }),
          baseline: finite,
          mde: finite.optional(),
          usersPerVariant: z.number(required('a number >= 2')).min(2, 'expected a number >= 2').optional(),
          sd: positive.optional(),
          alpha: alpha.optional(),
          power: unitInterval.optional(),
        },
        required('an object'),
      ),
    },
    required('an object'),
  )
  .superRefine(({ power: p }, ctx) => {
    if ((p.mde === undefined) === (p.usersPerVariant === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['power', 'mde'], message: 'give exactly one of mde and usersPerVariant' });
    }
    if (p.mde === 0) ctx.addIssue({ code: 'custom', path: ['power', 'mde'], message: 'expected a non-zero relative effect' });
    if (p.type === 'proportion') {
      if (!(p.baseline > 0 && p.baseline < 1)) ctx.addIssue({ code: 'custom', path: ['power', 'baseline'], message: 'expected a rate in (0, 1)' });
      else if (p.mde !== undefined && !(p.baseline * (1 + p.mde) > 0 && p.baseline * (1 + p.mde) < 1)) {
        ctx.addIssue({ code: 'custom', path: ['power', 'mde'], message: 'baseline × (1 + mde) must be a rate in (0, 1)' });
      }
      if (p.sd !== undefined) ctx.addIssue({ code: 'custom', path: ['power', 'sd'], message: 'sd is only for mean metrics' });
    } else {
      if (p.sd === undefined) ctx.addIssue({ code: 'custom', path: ['power', 'sd'], message: 'required for mean metrics' });
      if (p.baseline === 0) ctx.addIssue({ code: 'custom', path: ['power', 'baseline'], message: 'expected a non-zero mean (mde is relative to it)' });
    }
  });

export type ParsedRequest = { kind: 'stats'; request: StatsRequest } | { kind: 'power'; request: PowerRequest };
export type ParseResult = { ok: true; value: ParsedRequest } | { ok: false; error: string };


function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0] ?? '';
    return `${formatPath([...issue.path, field])}: unknown field`;
  }
  const where = issue.path.length > 0 ? formatPath(issue.path) : '(root)';
  return `${where}: ${issue.message}`;
}

/** Validates a parsed JSON value as a stats or power request (a power request has a top-level `power`). */
export function parseRequest(input: unknown): ParseResult {
  const isPower = typeof input === 'object' && input !== null && !Array.isArray(input) && 'power' in input;
  const parsed = isPower ? powerRequest.safeParse(input) : statsRequest.safeParse(input);
  if (!parsed.success) return { ok: false, error: `invalid request: ${describe(parsed.error)}`.replace(/\s*\n\s*/g, ' ') };
  return isPower
    ? { ok: true, value: { kind: 'power', request: parsed.data as PowerRequest } }
    : { ok: true, value: { kind: 'stats', request: parsed.data as StatsRequest } };
}
