import { getMetric, type MetricCatalog } from "@/lib/metrics/catalog";
import type { AnalysisPlan } from "./analysis-plan";
import type { ExperimentWithParts } from "./experiments";
import { dateRangeProblems, exposureTableProblem, isIsoDate } from "./experiment-rules";
import { DEFAULT_SEGMENT_LIMIT, parseSegments } from "./segments";
import { phaseDates, phasesOf, type PhaseChoice } from "./phases";

export const DEFAULT_COVARIATE_LOOKBACK_DAYS = 14;

export interface PlanOptions {
  /** analyse these registered metrics instead of the experiment's own (ad-hoc analysis) */
  metrics?: readonly string[];
  today?: string;
  /** the phase analysed (issue 13): one by number, or "all" (the experiment's whole dates); default: the current one */
  phase?: PhaseChoice;
}

/** The dates an analysis of `choice` covers, or a readable error. The current phase by default. */
export function analysedDates(exp: ExperimentWithParts, choice: PhaseChoice | undefined, today: string): { startDate: string; endDate: string | null; phase: string } {
  const phases = phasesOf(exp);
  if (choice === "all") return { startDate: exp.startDate, endDate: exp.endDate, phase: "all" };
  const phase = choice === undefined ? phases.at(-1)! : phases.find((p) => p.number === choice);
  if (!phase) throw new Error(`experiment ${exp.id} has no phase ${choice} (its phases are ${phases.map((p) => p.number).join(", ")}, or all)`);
  // one phase is the whole experiment (and follows its dates as they are edited)
  if (phases.length === 1) return { startDate: exp.startDate, endDate: exp.endDate, phase: String(phase.number) };
  const dates = phaseDates(exp, phase, today);
  if (dates.endDate < dates.startDate) {
    throw new Error(`phase ${phase.number} of experiment ${exp.id} has no day of its own (it was replaced on the day it started); analyse the next phase or all`);
  }
  // a phase that ended keeps its end; the current one ends with the experiment (or today)
  return { startDate: dates.startDate, endDate: phase.endDate ?? exp.endDate, phase: String(phase.number) };
}

/** Turns a stored experiment into what the statements need; throws a readable error if it cannot. */
export function planFor(exp: ExperimentWithParts, catalog: MetricCatalog, options: PlanOptions = {}): AnalysisPlan {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (exp.dataSource === "counts") throw new Error(`experiment ${exp.id} is analysed from counts typed in or posted, not from the warehouse`);
  if (exp.variants.length < 2) throw new Error(`experiment ${exp.id} needs at least two variants`);
  if (!exp.variants.some((v) => v.key === exp.controlVariant)) {
    throw new Error(`experiment ${exp.id}: control variant "${exp.controlVariant}" is not one of its variants`);
  }
  const keys = options.metrics ? [...new Set(options.metrics)] : exp.metrics.map((m) => m.metricKey);
  if (keys.length === 0) throw new Error(`experiment ${exp.id} has no metrics`);
  // the form and saveExperiment() refuse these too; rows written another way must not reach the warehouse
  if (!isIsoDate(exp.startDate)) throw new Error(`experiment ${exp.id}: its start date "${exp.startDate}" is not a date (YYYY-MM-DD)`);
  if (exp.endDate !== null && !isIsoDate(exp.endDate)) throw new Error(`experiment ${exp.id}: its end date "${exp.endDate}" is not a date (YYYY-MM-DD)`);
  const analysed = analysedDates(exp, options.phase, today);
  const startDate = analysed.startDate;
  const endDate = analysed.endDate ?? today;
  if (endDate < startDate) throw new Error(`experiment ${exp.id} ends (${endDate}) before it starts (${startDate})`);
  const dates = dateRangeProblems(startDate, analysed.endDate, today);
  const dateProblem = dates.startDate ?? dates.endDate;
  if (dateProblem) throw new Error(`experiment ${exp.id} (${startDate} → ${analysed.endDate ?? "ongoing"}) cannot be analysed: ${dateProblem}`);
  const tableProblem = exposureTableProblem(exp.exposureSource);
  if (tableProblem) throw new Error(`experiment ${exp.id} cannot be analysed: exposure table: ${tableProblem}`);
  return {
    experimentKey: exp.exposureKey ?? exp.id,
    exposureTable: exp.exposureSource,
    variants: exp.variants.map((v) => v.key),
    startDate,
    endDate,
    phase: analysed.phase,
    windowDays: exp.windowDays,
    metrics: keys.map((key) => getMetric(catalog, key)),
    catalog,
    covariateLookbackDays: DEFAULT_COVARIATE_LOOKBACK_DAYS,
    segments: parseSegments(exp.segments),
    segmentLimit: DEFAULT_SEGMENT_LIMIT,
  };
}
