// Public API of the stats engine (pure functions; the CLI's validation lives in ./request-schema).
export { analyze } from './analyze';
export { powerAnalysis } from './power';
export { ALPHA_RANGE, DEFAULT_ALPHA, isSaneAlpha } from './bounds';
export { bracketLevels, clusteredEffectiveN, quantileStandardError, type ClusterSums } from './quantile';
export type {
  StatsRequest,
  StatsAnswer,
  PowerRequest,
  PowerAnswer,
  PowerSpec,
  MetricInput,
  MetricResult,
  VariantResult,
  VariantInput,
  VariantData,
  Interval,
  LevelInterval,
  Risk,
  SrmResult,
  NormalPrior,
  Correction,
  MetricType,
  QuantileSummary,
  CovariateSums,
  RatioCovariateSums,
} from './types';
