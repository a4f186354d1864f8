import type { ExperimentWithParts } from "@/lib/analysis/experiments";
import { loadResultsDocument, type ResultsDocument } from "@/lib/analysis/results-document";
import type { ViewOptions } from "@/lib/analysis/stats-request";

/** The results of one view and segment, recomputed from the newest good snapshot (no warehouse query). */
export function loadDocument(exp: ExperimentWithParts, view: ViewOptions, segment: string): Promise<ResultsDocument> {
  return loadResultsDocument(exp, view, segment);
}
