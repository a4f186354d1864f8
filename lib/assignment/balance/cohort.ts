// A known cohort for balanced assignment: subjects (the id the SDK hashes) with numeric covariates,
// read from CSV. Every bad cell is reported by line and column; nothing is guessed.
import Papa from "papaparse";

export interface Subject {
  id: string;
  /** one value per covariate, in `covariates` order */
  values: number[];
}

export interface Cohort {
  covariates: string[];
  subjects: Subject[];
}

export interface CohortError {
  /** 1-based line in the file (the header is line 1); absent for whole-file problems */
  line?: number;
  column?: string;
  message: string;
}

export type ParsedCohort = { ok: true; cohort: Cohort } | { ok: false; errors: CohortError[] };

/** Beyond this the K candidate splits (each evaluated by the SDK) stop being instant; this is for small cohorts. */
export const MAX_COHORT_SUBJECTS = 10_000;
const MAX_ERRORS = 20;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * CSV with a header row: the id column (default "id") and one numeric column per covariate (binary
 * covariates as 0/1). Ids must be unique and non-empty.
 */
export function parseCohortCsv(text: string, options: { idColumn?: string } = {}): ParsedCohort {
  const idColumn = options.idColumn ?? "id";
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => h.trim(),
  });
  const errors: CohortError[] = parsed.errors.map((e) => ({ line: e.row === undefined ? undefined : e.row + 2, message: e.message }));
  const fields = parsed.meta.fields ?? [];
  if (!fields.includes(idColumn)) return { ok: false, errors: [{ message: `no "${idColumn}" column in the header (found: ${fields.join(", ") || "nothing"})` }] };
  const covariates = fields.filter((f) => f !== idColumn);
  if (covariates.length === 0) return { ok: false, errors: [{ message: "no covariate columns: add at least one numeric column beside the id" }] };
  const blank = covariates.find((c) => c === "");
  if (blank !== undefined) errors.push({ line: 1, message: "a column has no name" });
  if (parsed.data.length > MAX_COHORT_SUBJECTS) {
    return { ok: false, errors: [{ message: `${parsed.data.length} subjects: balanced assignment takes at most ${MAX_COHORT_SUBJECTS}` }] };
  }

  const seen = new Map<string, number>();
  const subjects: Subject[] = [];
  parsed.data.forEach((row, i) => {
    const line = i + 2;
    const id = (row[idColumn] ?? "").trim();
    if (id === "") errors.push({ line, column: idColumn, message: "the id is empty" });
    else if (seen.has(id)) errors.push({ line, column: idColumn, message: `id "${id}" also on line ${seen.get(id)}` });
    else seen.set(id, line);
    const values = covariates.map((c) => {
      const cell = (row[c] ?? "").trim();
      if (!NUMBER.test(cell)) {
        errors.push({ line, column: c, message: cell === "" ? "empty: every covariate needs a number" : `"${cell}" is not a number` });
        return NaN;
      }
      return Number(cell);
    });
    subjects.push({ id, values });
  });
  if (subjects.length === 0) errors.push({ message: "no subjects: the file has a header but no rows" });
  if (errors.length > MAX_ERRORS) {
    return { ok: false, errors: [...errors.slice(0, MAX_ERRORS), { message: `and ${errors.length - MAX_ERRORS} more problems` }] };
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, cohort: { covariates, subjects } };
}
