// analyze(): the one implementation of STATS-CLI.md, used by the CLI and the app alike.
// Pure: sufficient statistics in, numbers out. Degenerate inputs give null plus a warning.
import type { Arm } from './arm';
import { bayesSummary, chanceToWinAbsolute } from './bayes';
import { type Comparison, type InferenceMode, nullInterval, compare, interval } from './compare';
import { adjustPValues, adjustedAlpha } from './corrections';
import { displayMean, metricArms } from './metric-arms';
import { sanitizeInPlace } from './sanitize';
import { DEFAULT_SEQUENTIAL_TUNING, sequentialRho } from './sequential';
import { srmCheck } from './srm';
import type { Correction, Interval, MetricInput, MetricResult, NormalPrior, StatsAnswer, StatsRequest, VariantResult } from './types';

const DEFAULT_ALPHA = 0.05;

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
}

const where = (metric: string, variant: string) => `metric "${metric}", variant "${variant}"`;
const inUnit = (x: number) => x > 0 && x < 1;

function resolveOptions(req: StatsRequest, warnings: string[]): Options {
  let alpha = req.alpha ?? DEFAULT_ALPHA;
  if (!inUnit(alpha)) {
    warnings.push(`alpha ${alpha} is not in (0, 1); using ${DEFAULT_ALPHA}`);
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
    if (inUnit(level)) return true;
    warnings.push(`extra interval level ${level} is not in (0, 1); skipped`);
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
  if (!rel) warnings.push(`${where(metric.key, id)}: relative lift undefined because the control mean is 0`);
  if (c.pValue === null) {
    warnings.push(`${where(metric.key, id)}: zero variance in both arms; no interval, p-value or chance to win`);
    return result;
  }
  if (rel && rel.se > 0) {
    const b = bayesSummary(rel.estimate, rel.se, opts.prior);
    result.chanceToWin = b.chanceToWin;
    result.risk = { control: b.riskControl, treatment: b.riskTreatment };
  } else {
    // no relative lift (zero control mean): P(Δ > 0) still answers "does it win"; the prior, being on
    // the relative lift, cannot apply, and risk in relative units is undefined
    result.chanceToWin = chanceToWinAbsolute(diff.estimate, diff.se);
  }
  pending.push({ result, comparison: c, pValue: c.pValue });
  return result;
}

function analyzeMetric(metric: MetricInput, variantIds: readonly string[], opts: Options, warnings: string[], pending: Pending[]): MetricResult {
  const { arms, notes } = metricArms(metric, variantIds);
  for (const note of notes) warnings.push(`metric "${metric.key}": ${note}`);
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
function finishIntervals(pending: readonly Pending[], opts: Options): void {
  const adjusted = adjustPValues(
    pending.map((p) => p.pValue),
    opts.correction,
  );
  pending.forEach((p, i) => {
    const adjustedP = adjusted[i] as number;
    const { difference: d, relative: rel, multiplier } = p.comparison;
    const at = (alpha: number) => {
      const m = multiplier(adjustedAlpha(alpha, p.pValue, adjustedP));
      return { absolute: interval(d.estimate, d.se, m), relative: rel ? interval(rel.estimate, rel.se, m) : nullInterval() };
    };
    const main = at(opts.alpha);
    p.result.adjustedPValue = adjustedP;
    p.result.absolute = main.absolute;
    p.result.relative = main.relative;
    if (opts.extraLevels.length > 0) p.result.intervals = opts.extraLevels.map((level) => ({ level, ...at(1 - level) }));
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
  finishIntervals(pending, opts);
  const answer: StatsAnswer = { srm: srm.result, metrics, warnings: [] };
  answer.warnings = [...warnings, ...sanitizeInPlace(answer as unknown as Record<string, unknown>)];
  return answer;
}
