// analyze(): the one implementation of STATS-CLI.md, used by the CLI and the app alike.
// Pure: sufficient statistics in, numbers out. Degenerate inputs give null plus a warning.
import type { Arm } from './arm';
import { bayesSummary, chanceToWinAbsolute } from './bayes';
import { type Comparison, type InferenceMode, nullInterval, compare, interval } from './compare';
import type { RelativeLift } from './relative';
import { adjustPValues, adjustedAlpha } from './corrections';
import { displayMean, metricArms } from './metric-arms';
import { DEFAULT_ALPHA, isSaneAlpha, isSaneLevel, LEVEL_RANGE, ALPHA_RANGE } from './bounds';
import { sanitizeInPlace } from './sanitize';
import { DEFAULT_SEQUENTIAL_TUNING, sequentialRho } from './sequential';
import { srmCheck } from './srm';
import type { Correction, Interval, MetricInput, MetricResult, NormalPrior, StatsAnswer, StatsRequest, VariantResult } from './types';

interface Options {
  alpha: number;
  correction: Correction;
  mode: InferenceMode;
  controlId: string | undefined;
  prior: NormalPrior | undefined;
  extraLevels: number[];
}

/** A comparison whose intervals wait for the multiplicity adjustment. */
interface Pending {
  result: VariantResult;
  comparison: Comparison;
  pValue: number;
  /** false when the relative lift has no usable standard error: its interval stays null */
  relativeInterval: boolean;
  /** where a warning about this comparison should point */
  where: string;
}

const where = (metric: string, variant: string) => `metric "${metric}", variant "${variant}"`;
function resolveOptions(req: StatsRequest, warnings: string[]): Options {
  let alpha = req.alpha ?? DEFAULT_ALPHA;
  if (!isSaneAlpha(alpha)) {
    warnings.push(`alpha ${alpha} is not in [${ALPHA_RANGE.min}, ${ALPHA_RANGE.max}]; using ${DEFAULT_ALPHA}`);
    alpha = DEFAULT_ALPHA;
  }
  let controlId = req.control ?? req.variants[0]?.id;
  if (controlId !== undefined && !req.variants.some((v) => v.id === controlId)) {
    warnings.push(`control "${controlId}" is not a variant; using "${req.variants[0]?.id}"`);
    controlId = req.variants[0]?.id;
  }
  let prior = req.prior;
  if (prior && !(prior.variance > 0 && Number.isFinite(prior.mean))) {
    warnings.push('prior needs a finite mean and a positive variance; using a flat prior');
    prior = undefined;
  }
  let tuning = req.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING;
  if (!(tuning > 0 && Number.isFinite(tuning))) {
    warnings.push(`sequentialTuning must be positive; using ${DEFAULT_SEQUENTIAL_TUNING}`);
    tuning = DEFAULT_SEQUENTIAL_TUNING;
  }
  const extraLevels = (req.extraIntervals ?? []).filter((level) => {
    if (isSaneLevel(level)) return true;
    warnings.push(`extra interval level ${level} is not in [${LEVEL_RANGE.min}, ${LEVEL_RANGE.max}]; skipped`);
    return false;
  });
  return {
    alpha,
    correction: req.correction ?? 'none',
    mode: { sequential: req.sequential ?? false, rho: sequentialRho(alpha, tuning) },
    controlId,
    prior,
    extraLevels,
  };
}

function treatmentResult(
  metric: MetricInput,
  id: string,
  treatment: Arm,
  control: Arm,
  opts: Options,
  warnings: string[],
  pending: Pending[],
): VariantResult {
  const c = compare(treatment, control, opts.mode);
  const { difference: diff, relative: rel } = c;
  // point estimates only until finishIntervals() knows the adjusted level
  const absolute: Interval = { estimate: diff.estimate, ciLow: null, ciHigh: null };
  const relative: Interval = rel ? { estimate: rel.estimate, ciLow: null, ciHigh: null } : nullInterval();
  const result: VariantResult = {
    id,
    n: treatment.n,
    mean: treatment.mean,
    stdDev: Math.sqrt(treatment.variance),
    absolute,
    relative,
    pValue: c.pValue,
    adjustedPValue: c.pValue,
    chanceToWin: null,
    risk: { control: null, treatment: null },
    cuped: treatment.cuped,
  };
  if (opts.extraLevels.length > 0) result.intervals = opts.extraLevels.map((level) => ({ level, absolute, relative }));
  const at = where(metric.key, id);
  if (c.pValue === null) {
    warnings.push(
      c.problem === 'overflow'
        ? `${at}: the difference or its standard error overflows double precision (sums too large); no interval, p-value, chance to win or risk`
        : `${at}: zero variance in both arms; no interval, p-value, chance to win or risk`,
    );
    if (!rel) warnings.push(relativeWarning(at, control, rel));
    return result;
  }
  const relativeUsable = rel !== null && rel.se > 0 && Number.isFinite(rel.se) && Number.isFinite(rel.estimate);
  if (relativeUsable) {
    const b = bayesSummary(rel.estimate, rel.se, opts.prior);
    result.chanceToWin = b.chanceToWin;
    result.risk = { control: b.riskControl, treatment: b.riskTreatment };
  } else {
    // no usable relative lift: P(Δ > 0) still answers "does it win"; the prior, being on the
    // relative lift, cannot apply, and risk in relative units is undefined
    result.chanceToWin = chanceToWinAbsolute(diff.estimate, diff.se);
    warnings.push(relativeWarning(at, control, rel, treatment));
  }
  pending.push({ result, comparison: c, pValue: c.pValue, relativeInterval: relativeUsable, where: at });
  return result;
}

/** Why the relative lift has no interval (and the risk, in relative units, is null). */
function relativeWarning(at: string, control: Arm, rel: RelativeLift | null, treatment?: Arm): string {
  if (control.mean === 0) return `${at}: relative lift, its interval and risk undefined because the control mean is 0`;
  if (rel === null || !Number.isFinite(rel.estimate) || !Number.isFinite(rel.se)) {
    return `${at}: the relative lift overflows double precision; no relative interval and no risk`;
  }
  const allZero = treatment !== undefined && treatment.mean === 0 && treatment.variance === 0;
  const cause = allZero ? 'the treatment is 0 for every user (e.g. no conversions)' : 'the delta method degenerates here';
  return `${at}: the relative lift's standard error is 0 because ${cause}; no relative interval and no risk; chance to win is P(Δ > 0)`;
}

function analyzeMetric(metric: MetricInput, variantIds: readonly string[], options: Options, warnings: string[], pending: Pending[]): MetricResult {
  const { arms, notes } = metricArms(metric, variantIds);
  for (const note of notes) warnings.push(`metric "${metric.key}": ${note}`);
  let opts = options;
  if (metric.type === 'quantile' && opts.mode.sequential) {
    // the confidence sequence is proven for means; quantiles keep the fixed-horizon interval
    warnings.push(`metric "${metric.key}": sequential testing is not available for quantile metrics; fixed-horizon intervals and p-values`);
    opts = { ...opts, mode: { ...opts.mode, sequential: false } };
  }
  const controlId = opts.controlId;
  const controlOutcome = controlId === undefined ? undefined : arms.get(controlId);
  const variants = variantIds.map((id): VariantResult => {
    const data = metric.data[id];
    const outcome = arms.get(id);
    const base: VariantResult = {
      id,
      n: data?.n ?? 0,
      mean: outcome?.ok ? outcome.arm.mean : displayMean(metric.type, data),
      stdDev: outcome?.ok ? Math.sqrt(outcome.arm.variance) : null,
    };
    if (outcome && !outcome.ok) warnings.push(`${where(metric.key, id)}: ${outcome.reason}`);
    if (id === controlId) return base;
    if (outcome?.ok && controlOutcome?.ok) return treatmentResult(metric, id, outcome.arm, controlOutcome.arm, opts, warnings, pending);
    if (outcome?.ok) warnings.push(`${where(metric.key, id)}: no comparison because the control "${controlId}" has no usable data`);
    return blankTreatment(base, opts);
  });
  return { key: metric.key, type: metric.type, variants };
}

/** A treatment result with nothing computable. */
function blankTreatment(base: VariantResult, opts: Options): VariantResult {
  const blank: VariantResult = {
    ...base,
    absolute: nullInterval(),
    relative: nullInterval(),
    pValue: null,
    adjustedPValue: null,
    chanceToWin: null,
    risk: { control: null, treatment: null },
    cuped: false,
  };
  if (opts.extraLevels.length > 0) blank.intervals = opts.extraLevels.map((level) => ({ level, absolute: nullInterval(), relative: nullInterval() }));
  return blank;
}

/** Adjusts all p-values at once (one sort), then sets every interval at the consistent level. */
function finishIntervals(pending: readonly Pending[], opts: Options, warnings: string[]): void {
  const adjusted = adjustPValues(
    pending.map((p) => p.pValue),
    opts.correction,
  );
  pending.forEach((p, i) => {
    const adjustedP = adjusted[i] as number;
    const { difference: d, relative: rel, multiplier } = p.comparison;
    let overflow = false;
    const bounded = (x: Interval): Interval => {
      if (Number.isFinite(x.ciLow) && Number.isFinite(x.ciHigh)) return x;
      overflow = true;
      return { estimate: x.estimate, ciLow: null, ciHigh: null };
    };
    const at = (alpha: number) => {
      const m = multiplier(adjustedAlpha(alpha, p.pValue, adjustedP));
      const relative = rel && p.relativeInterval ? bounded(interval(rel.estimate, rel.se, m)) : { ...nullInterval(), estimate: rel?.estimate ?? null };
      return { absolute: bounded(interval(d.estimate, d.se, m)), relative };
    };
    const main = at(opts.alpha);
    p.result.adjustedPValue = adjustedP;
    p.result.absolute = main.absolute;
    p.result.relative = main.relative;
    if (opts.extraLevels.length > 0) p.result.intervals = opts.extraLevels.map((level) => ({ level, ...at(1 - level) }));
    if (overflow) warnings.push(`${p.where}: an interval bound overflows double precision; that interval is null`);
  });
}

export function analyze(req: StatsRequest): StatsAnswer {
  const warnings: string[] = [];
  const opts = resolveOptions(req, warnings);
  const srm = srmCheck(req.variants);
  if (srm.warning) warnings.push(srm.warning);
  if (srm.result.mismatch) warnings.push(`srm: sample ratio mismatch (p = ${srm.result.pValue?.toPrecision(3)}); results may be biased`);
  const variantIds = req.variants.map((v) => v.id);
  const pending: Pending[] = [];
  const metrics = req.metrics.map((m) => analyzeMetric(m, variantIds, opts, warnings, pending));
  finishIntervals(pending, opts, warnings);
  const answer: StatsAnswer = { srm: srm.result, metrics, warnings: [] };
  answer.warnings = [...warnings, ...sanitizeInPlace(answer as unknown as Record<string, unknown>)];
  return answer;
}
