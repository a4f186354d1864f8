import type { MetricCatalog } from "@/lib/metrics/catalog";
import type { MetricDefinition } from "@/lib/metrics/define";
import type { SegmentDimension } from "./segments";

/** Everything the statements need to know about one analysis. */
export interface AnalysisPlan {
  experimentKey: string; // experiment_id value in the exposure table
  exposureTable: string;
  variants: string[];
  startDate: string; // YYYY-MM-DD inclusive
  endDate: string; // YYYY-MM-DD inclusive
  /** the assignment phase the dates are (issue 13): "0", "1", …, or "all" */
  phase?: string;
  windowDays: number | null;
  /** the metrics the analysis reports, in order */
  metrics: MetricDefinition[];
  /** resolves each metric's source and a ratio's numerator and denominator */
  catalog: MetricCatalog;
  /** days before each user's first exposure that form the CUPED covariate window; 0 = no CUPED */
  covariateLookbackDays: number;
  /** slices computed beside the whole population, in the same query */
  segments: SegmentDimension[];
  /** top N values per segment dimension; the rest become "other" */
  segmentLimit: number;
}
