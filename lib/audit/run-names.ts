import type { AuditRow } from "./log";

// Analysis runs are recorded by their database id (the target id, stable and unique across
// experiments), while people know them by their number within the experiment: snapshot #1, #2, …
// as the page, the history and the URLs (/experiments/<id>/snapshots/<n>) show them. Entries are
// shown with that number; older entries said "analysis #<database id>" in their summary, which
// is read the same way. A run that is gone (its experiment deleted) keeps its id, said as an id.
// Pure: the numbers are looked up by shown.ts.

export interface ShownAuditEntry extends AuditRow {
  /** what the entry is about, as people name it: "snapshot #3", "experiment checkout-redesign", … */
  target: string;
  /** for a run that still exists: its number within the experiment */
  snapshotNumber: number | null;
}

/** How a run is named in the activity log: by its number within the experiment, else by its id. */
export function runName(run: { id: number; number: number | null }): string {
  return run.number === null ? `analysis id ${run.id}` : `snapshot #${run.number}`;
}

/** One entry as shown, given the numbers of the runs that still exist (database id → number). */
export function showAuditEntry(row: AuditRow, numbers: ReadonlyMap<number, number | null>): ShownAuditEntry {
  if (row.targetType !== "run" || !/^\d+$/.test(row.targetId)) return { ...row, target: `${row.targetType} ${row.targetId}`, snapshotNumber: null };
  const id = Number(row.targetId);
  const number = numbers.get(id) ?? null;
  const name = runName({ id, number });
  // entries written before runs were named by number: "analysis #<id> started (refresh)"
  const summary = row.summary.replace(new RegExp(`\\banalysis #${id}(?!\\d)`, "g"), name);
  return { ...row, summary, target: name, snapshotNumber: number };
}
