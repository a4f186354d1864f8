// Request and answer shapes of the stats engine; they mirror shared/docs/STATS-CLI.md.
//
// Extensions beyond the doc (all optional, also accepted by the CLI):
//   request.prior            normal prior {mean, variance} on the relative lift for chanceToWin/risk
//                            (default: flat prior).
//   request.sequentialTuning planned total sample size (control + treatment) that tunes the
//                            confidence sequence's mixing parameter rho (default 5000, as GrowthBook).
//   request.extraIntervals   extra confidence levels, e.g. [0.68]; each treatment variant then gets
//                            `intervals: [{level, absolute, relative}]`, computed like the main interval.
//   metric type "quantile"   p50, p90, … of per-user or per-event values: per variant
//                            { n, quantile: { level, estimate, lower, upper, bracketZ, effectiveN } }
//                            (see QuantileSummary; no CUPED, fixed horizon only, normal reference).
//   ratio covariate          CUPED for ratios: per variant `covariate` is RatioCovariateSums (the
//                            pre-exposure numerator and denominator, and their products with the
//                            post-exposure ones), not the mean's {sum, sumSquares, sumProduct}.
//   answer variant.stdDev    per-unit standard deviation (null when n < 2); for quantiles se·√n.
//   answer variant.risk      expected loss (relative units) of shipping control / treatment.
//   power.usersPerVariant    given instead of `mde`, asks for the reachable relative MDE.
//
// Narrower than the doc (lib/stats/bounds.ts; the CLI exits 2 naming the field, the engine falls
// back to the default with a warning):
//   alpha (also power.alpha) in [0.001, 0.5] instead of (0, 1); extraIntervals levels in [0.5, 0.999].
//   CLI request size: ≤ 8 MiB, ≤ 50 variants, ≤ 5,000 metrics, ≤ 20,000 comparisons (metrics ×
//   treatments), ≤ 10 extraIntervals levels and ≤ 20,000 extra intervals in all.
//   Sums no data can give are refused (lib/stats/consistency.ts): Σy² < (Σy)²/n, a Σxy beyond
//   Cauchy–Schwarz, non-zero sums with n = 0, proportion sumSquares ≠ sum.

export type MetricType = 'mean' | 'proportion' | 'ratio' | 'quantile';
export type Correction = 'none' | 'holm' | 'bh';

export interface VariantInput {
  id: string;
  /** Planned split, any positive scale. */
  weight: number;
  /** Exposed users, for the SRM check. */
  users: number;
}

/** Sums of the pre-exposure covariate x: Σx, Σx², Σxy. */
export interface CovariateSums {
  sum: number;
  sumSquares: number;
  sumProduct: number;
}

/**
 * CUPED for a ratio y/z: the same ratio's pre-exposure numerator x and denominator w, their sums
 * (as a ratio's own: Σx, Σx², Σw, Σw², Σxw) and their products with the post-exposure y and z.
 */
export interface RatioCovariateSums {
  sum: number;
  sumSquares: number;
  denominatorSum: number;
  denominatorSumSquares: number;
  /** Σxw */
  sumProduct: number;
  /** Σyx */
  numeratorPreNumerator: number;
  /** Σyw */
  numeratorPreDenominator: number;
  /** Σzx */
  denominatorPreNumerator: number;
  /** Σzw */
  denominatorPreDenominator: number;
}

/**
 * One variant's sample quantile and the order-statistic bracket around it (Deng, Knoblich & Lu
 * 2018, "Applying the Delta Method in Metric Analytics"), as the warehouse computes them.
 */
export interface QuantileSummary {
  /** p, e.g. 0.9 for p90; the same for every variant of a metric */
  level: number;
  /** the sample p-quantile */
  estimate: number;
  /** the sample quantiles at levels p ∓ bracketZ·√(p(1−p)/effectiveN) */
  lower: number;
  upper: number;
  /** z of the bracket (any positive value; 1.96 is usual): se = (upper − lower)/(2·bracketZ) */
  bracketZ: number;
  /**
   * n for user-level quantiles; for event-level ones the cluster-adjusted n* = p(1−p)/Var̂(p̂)
   * (lib/stats/quantile.ts clusteredEffectiveN).
   */
  effectiveN: number;
}

/** Sufficient statistics of one variant for one metric. */
export interface VariantData {
  /** users (for quantiles too, also event-level ones) */
  n: number;
  /** Σy (numerator sum for ratios; conversions for proportions); required except for quantiles. */
  sum?: number;
  /** Σy²; required for mean and ratio, ignored for proportion. */
  sumSquares?: number;
  /** Ratio only: Σ denominator. */
  denominatorSum?: number;
  /** Ratio only: Σ denominator². */
  denominatorSumSquares?: number;
  /** Ratio only: Σ numerator·denominator. */
  sumProduct?: number;
  /** Quantile only: null when the variant has no values. */
  quantile?: QuantileSummary | null;
  /**
   * CUPED covariate, on all variants or none: CovariateSums for means and proportions,
   * RatioCovariateSums for ratios (ignored for quantile metrics).
   */
  covariate?: CovariateSums | RatioCovariateSums;
}

export interface MetricInput {
  key: string;
  type: MetricType;
  /** One entry per variant id. */
  data: Record<string, VariantData>;
}

export interface NormalPrior {
  mean: number;
  variance: number;
}

export interface StatsRequest {
  alpha?: number;
  correction?: Correction;
  sequential?: boolean;
  control?: string;
  variants: VariantInput[];
  metrics: MetricInput[];
  prior?: NormalPrior;
  sequentialTuning?: number;
  extraIntervals?: number[];
}

/** A point estimate with its confidence interval; null where it cannot be computed. */
export interface Interval {
  estimate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface LevelInterval {
  level: number;
  absolute: Interval;
  relative: Interval;
}

/** Expected loss, in relative-lift units, of choosing each arm. */
export interface Risk {
  control: number | null;
  treatment: number | null;
}

/** One variant of one metric. The control carries only id, n, mean, stdDev. */
export interface VariantResult {
  id: string;
  n: number;
  mean: number | null;
  stdDev: number | null;
  absolute?: Interval;
  relative?: Interval;
  pValue?: number | null;
  adjustedPValue?: number | null;
  chanceToWin?: number | null;
  risk?: Risk;
  cuped?: boolean;
  intervals?: LevelInterval[];
}

export interface MetricResult {
  key: string;
  type: MetricType;
  variants: VariantResult[];
}

export interface SrmResult {
  chiSquare: number | null;
  pValue: number | null;
  mismatch: boolean | null;
}

export interface StatsAnswer {
  srm: SrmResult;
  metrics: MetricResult[];
  warnings: string[];
}

export interface PowerSpec {
  type: 'proportion' | 'mean';
  /** Baseline conversion rate (proportion) or mean. */
  baseline: number;
  /** Relative minimum detectable effect, e.g. 0.05 for +5%. Give this or usersPerVariant. */
  mde?: number;
  /** Users per variant available; the answer is then the reachable relative MDE. */
  usersPerVariant?: number;
  /** Per-user standard deviation, mean metrics only. */
  sd?: number;
  alpha?: number;
  power?: number;
}

export interface PowerRequest {
  power: PowerSpec;
}

export interface PowerAnswer {
  power: { usersPerVariant?: number | null; mde?: number | null };
  /** Present only when something could not be computed. */
  warnings?: string[];
}
