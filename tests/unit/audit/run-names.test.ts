import { describe, expect, it } from "vitest";
import type { AuditRow } from "@/lib/audit/log";
import { runName, showAuditEntry } from "@/lib/audit/run-names";

// The activity log names analysis runs by their number within the experiment (the page's
// snapshot #n), not by the database id the entry stores; entries written before said
// "analysis #<database id>" and are read the same way; a run that is gone is named by its id.

const entry = (over: Partial<AuditRow>): AuditRow => ({
  id: 1,
  at: new Date("2026-11-30T10:00:00Z"),
  actorType: "user",
  actorId: "u1",
  actorName: "ann@example.com",
  action: "analysed",
  targetType: "run",
  targetId: "27",
  experimentId: "checkout-redesign",
  summary: "snapshot #3 started (refresh)",
  ...over,
});

describe("runName", () => {
  it("is the number within the experiment, or the id of a run that has none", () => {
    expect(runName({ id: 27, number: 3 })).toBe("snapshot #3");
    expect(runName({ id: 27, number: null })).toBe("analysis id 27");
  });
});

describe("showAuditEntry", () => {
  const numbers = new Map([[27, 3], [28, 4]]);

  it("a run: named by its snapshot number", () => {
    expect(showAuditEntry(entry({}), numbers)).toMatchObject({ target: "snapshot #3", snapshotNumber: 3, summary: "snapshot #3 started (refresh)" });
  });

  it("an entry written before: its 'analysis #<database id>' reads as the snapshot number, other numbers untouched", () => {
    const old = entry({ targetId: "28", summary: "analysis #28 cancelled while running (analysis #280 is another run)" });
    expect(showAuditEntry(old, numbers)).toMatchObject({ target: "snapshot #4", snapshotNumber: 4, summary: "snapshot #4 cancelled while running (analysis #280 is another run)" });
  });

  it("a run that is gone (its experiment deleted): named by its id, never as if it were a snapshot number", () => {
    const gone = entry({ targetId: "7", summary: "analysis #7 started (schedule)" });
    expect(showAuditEntry(gone, numbers)).toMatchObject({ target: "analysis id 7", snapshotNumber: null, summary: "analysis id 7 started (schedule)" });
  });

  it("other entries are shown as they were stored", () => {
    const edited = entry({ action: "edited", targetType: "experiment", targetId: "27", summary: "analysis #27 in a note" });
    expect(showAuditEntry(edited, numbers)).toMatchObject({ target: "experiment 27", snapshotNumber: null, summary: "analysis #27 in a note" });
  });
});
