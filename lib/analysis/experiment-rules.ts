// The rules every stored experiment obeys, shared by the editor's form, saveExperiment() (and so
// the demo registration) and planFor(): ids and keys that are safe in URLs, SQL comments and file
// names, dates in a sane range with a bounded span (the SQL's per-user day bitmask and the
// warehouse scan grow with the span), and an exposure table that is not a system catalog. No I/O.
import { addDays, addYears, format, isValid, parseISO } from "date-fns";
import { z } from "zod";
import { METRIC_KEY } from "@/lib/metrics/schema";

export const EXPERIMENT_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const VARIANT_KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export const MIN_DATE = "2000-01-01";
export const MAX_DATE = "2100-12-31";
export const MAX_SPAN_YEARS = 2;

export const ID_MESSAGE = "Use lower-case letters, digits and dashes (e.g. checkout-redesign); start and end with a letter or digit, at most 64 characters";
export const VARIANT_KEY_MESSAGE = "Lower-case letters, digits, _ or - (e.g. treatment), at most 40 characters";
export const METRIC_KEY_MESSAGE = "A metric key: lower_snake_case letters, digits and _";
export const DATES_HINT = `Between ${MIN_DATE} and ${MAX_DATE}; an experiment spans at most ${MAX_SPAN_YEARS} years.`;

export const experimentIdSchema = z.string().regex(EXPERIMENT_ID, ID_MESSAGE);
export const variantKeySchema = z.string().regex(VARIANT_KEY, VARIANT_KEY_MESSAGE);
export const metricKeySchema = z.string().regex(METRIC_KEY, METRIC_KEY_MESSAGE);

export function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && isValid(parseISO(s));
}

/** A date (YYYY-MM-DD) outside MIN_DATE..MAX_DATE, as a message; null when it is inside. */
export function dateOutOfRange(date: string, label: "start date" | "end date"): string | null {
  return date < MIN_DATE || date > MAX_DATE ? `The ${label} must be between ${MIN_DATE} and ${MAX_DATE}` : null;
}

/** The last day an experiment starting on `start` may run (inclusive): MAX_SPAN_YEARS later, minus a day. */
export function latestEndDate(start: string): string {
  return format(addDays(addYears(parseISO(start), MAX_SPAN_YEARS), -1), "yyyy-MM-dd");
}

/** A span longer than MAX_SPAN_YEARS, as a message naming the latest allowed end; null when it fits. */
export function spanTooLong(start: string, end: string): string | null {
  const latest = latestEndDate(start);
  return end > latest ? `An experiment spans at most ${MAX_SPAN_YEARS} years: end it on ${latest} at the latest` : null;
}

// Names the engines resolve to their own catalogs (DuckDB: duckdb_tables, pg_catalog.pg_class,
// sqlite_master, pragma_database_list, information_schema.*; BigQuery: INFORMATION_SCHEMA,
// __TABLES__): as an exposure source they would list other tables and their columns.
const CATALOG_TABLE = /^(?:duckdb_|pg_|sqlite_|pragma_|information_schema|__)/i;

/** Why a name cannot be an exposure table, or null when it can. */
export function exposureTableProblem(name: string): string | null {
  if (!TABLE_NAME.test(name)) return "A table name: letters, digits and underscores (default: exposures)";
  if (CATALOG_TABLE.test(name)) return `“${name}” is a system catalog of the warehouse, not an exposure log`;
  return null;
}

/**
 * Problems with an experiment's dates, by field (a malformed date is reported elsewhere: then
 * nothing). `today` checks an ongoing experiment (no end date), analysed up to today.
 */
export function dateRangeProblems(start: string, end: string | null, today?: string): { startDate?: string; endDate?: string } {
  if (!isIsoDate(start)) return {};
  const startProblem = dateOutOfRange(start, "start date");
  if (startProblem) return { startDate: startProblem };
  if (end === null) {
    const latest = latestEndDate(start);
    return today !== undefined && today > latest
      ? { endDate: `It has run for more than ${MAX_SPAN_YEARS} years, the most one analysis covers: give it an end date on or before ${latest}` }
      : {};
  }
  if (!isIsoDate(end)) return {};
  const endProblem = dateOutOfRange(end, "end date") ?? (end < start ? "The end date is before the start date" : spanTooLong(start, end));
  return endProblem ? { endDate: endProblem } : {};
}

/** What saveExperiment() checks (the parts of an experiment that reach URLs, SQL and file names). */
export interface StoredExperimentFields {
  id: string;
  startDate: string;
  endDate: string | null;
  exposureSource?: string;
  variants: { key: string }[];
  metrics: { key: string }[];
}

const storedExperimentSchema = z.object({
  id: experimentIdSchema,
  startDate: z.string().refine(isIsoDate, "A date (YYYY-MM-DD)"),
  endDate: z.string().refine(isIsoDate, "A date (YYYY-MM-DD) or null while it runs").nullable(),
  exposureSource: z
    .string()
    .optional()
    .superRefine((name, ctx) => {
      const problem = name === undefined ? null : exposureTableProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  variants: z.array(z.object({ key: variantKeySchema })),
  metrics: z.array(z.object({ key: metricKeySchema })),
});

/** Every problem of an experiment about to be stored, as "field: message" lines (empty when none). */
export function storedExperimentProblems(input: StoredExperimentFields): string[] {
  const parsed = storedExperimentSchema.safeParse(input);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "experiment"}: ${i.message}`);
  // beside zod: an object-level refinement would only run once every field parsed
  if (typeof input.startDate === "string" && (input.endDate === null || typeof input.endDate === "string")) {
    for (const [field, message] of Object.entries(dateRangeProblems(input.startDate, input.endDate))) problems.push(`${field}: ${message}`);
  }
  return problems;
}

/** An experiment that breaks the stored rules (ids, keys, dates, exposure table): nothing is saved. */
export class InvalidExperimentError extends Error {
  constructor(id: string, problems: string[]) {
    super(`experiment ${JSON.stringify(id)} cannot be saved: ${problems.join("; ")}`);
    this.name = "InvalidExperimentError";
  }
}
