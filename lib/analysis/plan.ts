import { getMetric } from "@/lib/metrics/registry";
import type { AnalysisPlan } from "./sql/analysis-plan";
import type { ExperimentWithParts } from "./experiments";
import { dateRangeProblems, exposureTableProblem, isIsoDate } from "./experiment-rules";
import { DEFAULT_SEGMENT_LIMIT, parseSegments } from "./segments";

export const DEFAULT_COVARIATE_LOOKBACK_DAYS = 14;

/** Turns a stored experiment into what the SQL builders need; throws a readable error if it cannot. */
export function planFor(exp: ExperimentWithParts, today = new Date().toISOString().slice(0, 10)): AnalysisPlan {
  if (exp.variants.length < 2) throw new Error(`experiment ${exp.id} needs at least two variants`);
  if (!exp.variants.some((v) => v.key === exp.controlVariant)) {
    throw new Error(`experiment ${exp.id}: control variant "${exp.controlVariant}" is not one of its variants`);
  }
  if (exp.metrics.length === 0) throw new Error(`experiment ${exp.id} has no metrics`);
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
    metrics: exp.metrics.map((m) => getMetric(m.metricKey)),
    covariateLookbackDays: DEFAULT_COVARIATE_LOOKBACK_DAYS,
    segments: parseSegments(exp.segments),
    segmentLimit: DEFAULT_SEGMENT_LIMIT,
  };
}
