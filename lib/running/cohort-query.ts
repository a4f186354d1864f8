// A known cohort for balanced assignment read from the warehouse by a query (issue 13): one
// SELECT, run as a subquery with a row limit, whose rows become the same cohort a CSV upload
// gives (the id column and numeric covariates; true/false as 1/0). Anything but a single SELECT
// is refused before it runs.
import Papa from "papaparse";
import { MAX_COHORT_SUBJECTS, parseCohortCsv, type ParsedCohort } from "@/lib/assignment/balance/cohort";
import { openWarehouse, type Warehouse } from "@/lib/warehouse";
import { publicMessage } from "@/lib/public-error";

export const MAX_COHORT_QUERY_CHARS = 20_000;

function refused(message: string): ParsedCohort {
  return { ok: false, errors: [{ message }] };
}

/** Whether DuckDB reads `sql` as exactly one SELECT statement (its parser, not ours). */
async function isSingleSelectDuckDb(wh: Warehouse, sql: string): Promise<string | null> {
  const r = await wh.query("SELECT json_serialize_sql(CAST($sql AS VARCHAR)) AS tree", { sql });
  const tree = JSON.parse(String(r.rows[0]?.tree ?? "{}")) as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (tree.error) return /Only SELECT/i.test(tree.error_message ?? "") ? "only a SELECT query can read a cohort" : `the query does not parse: ${tree.error_message ?? "syntax error"}`;
  if ((tree.statements?.length ?? 0) !== 1) return "give one SELECT query (no semicolons between statements)";
  return null;
}

export async function cohortFromQuery(sql: string, idColumn: string, warehouse?: Warehouse): Promise<ParsedCohort> {
  const query = sql.trim().replace(/;\s*$/, "");
  if (query === "") return refused("give a query");
  if (query.length > MAX_COHORT_QUERY_CHARS) return refused(`the query is longer than ${MAX_COHORT_QUERY_CHARS} characters`);
  const wrapped = `SELECT * FROM (\n${query}\n) AS cohort LIMIT ${MAX_COHORT_SUBJECTS + 1}`;
  const wh = warehouse ?? (await openWarehouse());
  try {
    if (wh.kind === "duckdb") {
      const problem = await isSingleSelectDuckDb(wh, wrapped);
      if (problem) return refused(problem);
    } else if (query.includes(";")) {
      return refused("give one SELECT query (no semicolons)");
    }
    const { rows } = await wh.query(wrapped);
    if (rows.length > MAX_COHORT_SUBJECTS) return refused(`the query returns more than ${MAX_COHORT_SUBJECTS} subjects: balanced assignment is for small cohorts`);
    if (rows.length === 0) return refused("the query returned no rows");
    const plain = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "boolean" ? (v ? 1 : 0) : v === null ? "" : v])));
    return parseCohortCsv(Papa.unparse(plain), { idColumn });
  } catch (err) {
    return refused(publicMessage(err, "reading the cohort"));
  } finally {
    if (!warehouse) await wh.close();
  }
}
