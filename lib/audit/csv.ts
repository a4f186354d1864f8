import Papa from "papaparse";
import type { AuditRow } from "./log";

// Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) get a leading
// apostrophe: entries hold text people typed (experiment names, emails).
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function auditCsv(rows: AuditRow[]): string {
  return Papa.unparse({
    fields: ["at", "actor_type", "actor", "action", "target_type", "target", "experiment", "summary"],
    data: rows.map((r) => [
      r.at.toISOString(),
      r.actorType,
      cell(r.actorName),
      r.action,
      r.targetType,
      cell(r.targetId),
      cell(r.experimentId ?? ""),
      cell(r.summary),
    ]),
  });
}
