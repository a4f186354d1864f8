import { getMetric, type MetricCatalog } from "@/lib/metrics/catalog";
import type { AnalysisPlan } from "./analysis-plan";
import type { ExperimentWithParts } from "./experiments";
import { dateRangeProblems, exposureTableProblem, isIsoDate } from "./experiment-rules";
import { DEFAULT_SEGMENT_LIMIT, parseSegments } from "./segments";

export const DEFAULT_COVARIATE_LOOKBACK_DAYS = 14;

export interface PlanOptions {
  /** analyse these registered metrics instead of the experiment's own (ad-hoc analysis) */
  metrics?: readonly string[];
  today?: string;
}

/** Turns a stored experiment into what the statements need; throws a readable error if it cannot. */
export function planFor(exp: ExperimentWithParts, catalog: MetricCatalog, options: PlanOptions = {}): AnalysisPlan {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (exp.variants.length < 2) throw new Error(`experiment ${exp.id} needs at least two variants`);
  if (!exp.variants.some((v) => v.key === exp.controlVariant)) {
    throw new Error(`experiment ${exp.id}: control variant "${exp.controlVariant}" is not one of its variants`);
  }
  const keys = options.metrics ? [...new Set(options.metrics)] : exp.metrics.map((m) => m.metricKey);
  if (keys.length === 0) throw new Error(`experiment ${exp.id} has no metrics`);
  // the form and saveExperiment() refuse these too; rows written another way must not reach the warehouse
  if (!isIsoDate(exp.startDate)) throw new Error(`experiment ${exp.id}: its start date "${exp.startDate}" is not a date (YYYY-MM-DD)`);
  if (exp.endDate !== null && !isIsoDate(exp.endDate)) throw new Error(`experiment ${exp.id}: its end date "${exp.endDate}" is not a date (YYYY-MM-DD)`);
  const endDate = exp.endDate ?? today;
  if (endDate < exp.startDate) throw new Error(`experiment ${exp.id} ends (${endDate}) before it starts (${exp.startDate})`);
  const dates = dateRangeProblems(exp.startDate, exp.endDate, today);
  const dateProblem = dates.startDate ?? dates.endDate;
  if (dateProblem) throw new Error(`experiment ${exp.id} (${exp.startDate} → ${exp.endDate ?? "ongoing"}) cannot be analysed: ${dateProblem}`);
  const tableProblem = exposureTableProblem(exp.exposureSource);
  if (tableProblem) throw new Error(`experiment ${exp.id} cannot be analysed: exposure table: ${tableProblem}`);
  return {
    experimentKey: exp.exposureKey ?? exp.id,
    exposureTable: exp.exposureSource,
    variants: exp.variants.map((v) => v.key),
    startDate: exp.startDate,
    endDate,
    windowDays: exp.windowDays,
    metrics: keys.map((key) => getMetric(catalog, key)),
    catalog,
    covariateLookbackDays: DEFAULT_COVARIATE_LOOKBACK_DAYS,
    segments: parseSegments(exp.segments),
    segmentLimit: DEFAULT_SEGMENT_LIMIT,
  };
}
