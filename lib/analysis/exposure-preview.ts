import { openWarehouse } from "@/lib/warehouse";
import { buildExposurePreview, type ExposurePreview, type ExposurePreviewInput } from "./statements/exposure-preview";
import { dateRangeProblems, exposureTableProblem, isIsoDate } from "./experiment-rules";

export type { ExposurePreview } from "./statements/exposure-preview";

/** Why the form's values cannot be previewed yet (a message per problem), or null. */
export function previewProblem(input: ExposurePreviewInput): string | null {
  const table = exposureTableProblem(input.exposureTable);
  if (table) return `Exposure table: ${table}`;
  if (!/^[^\s'"\\;]{1,200}$/.test(input.experimentKey)) return "Exposure key: no spaces, quotes, backslashes or semicolons (at most 200 characters)";
  if (!isIsoDate(input.startDate)) return "Give a start date to see the exposures";
  if (!isIsoDate(input.endDate)) return "The end date must be a date";
  const dates = dateRangeProblems(input.startDate, input.endDate);
  return dates.startDate ?? dates.endDate ?? null;
}

/**
 * What the warehouse holds for an exposure key and dates, per logged variant: one small query on a
 * lease of the warehouse, given back at once (on DuckDB the file is then free for other processes
 * after the idle delay).
 */
export async function previewExposures(input: ExposurePreviewInput): Promise<ExposurePreview> {
  const problem = previewProblem(input);
  if (problem) throw new Error(problem);
  const wh = await openWarehouse();
  try {
    const st = buildExposurePreview(input, wh.dialect);
    const { rows } = await wh.query(st.sql, st.params, { labels: { app: "experiment-results", purpose: "exposure-preview" } });
    return st.decode(rows);
  } finally {
    await wh.close();
  }
}
