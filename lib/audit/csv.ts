import Papa from "papaparse";
import type { ShownAuditEntry } from "./run-names";

// Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) get a leading
// apostrophe: entries hold text people typed (experiment names, emails).
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** `target` is the stored id (a run's database id); `snapshot` a run's number within its experiment, as the page shows it. */
export function auditCsv(rows: ShownAuditEntry[]): string {
  return Papa.unparse({
    fields: ["at", "actor_type", "actor", "action", "target_type", "target", "snapshot", "experiment", "summary"],
    data: rows.map((r) => [
      r.at.toISOString(),
      r.actorType,
      cell(r.actorName),
      r.action,
      r.targetType,
      cell(r.targetId),
      r.snapshotNumber === null ? "" : String(r.snapshotNumber),
      cell(r.experimentId ?? ""),
      cell(r.summary),
    ]),
  });
}
