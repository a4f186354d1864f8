import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import type { ExperimentInput } from "@/lib/analysis/experiments";
import { auditCsv } from "@/lib/audit/csv";
import { experimentDiff } from "@/lib/audit/experiment-diff";
import type { AuditRow } from "@/lib/audit/log";
import { showAuditEntry } from "@/lib/audit/run-names";

const base: ExperimentInput = {
  id: "checkout",
  name: "Checkout",
  hypothesis: "Shorter is better",
  owner: "ann",
  status: "draft",
  startDate: "2026-01-01",
  endDate: null,
  controlVariant: "control",
  segments: ["platform"],
  variants: [
    { key: "control", name: "Control", weight: 1 },
    { key: "short", name: "Short", weight: 1 },
  ],
  metrics: [
    { key: "purchases", role: "primary" },
    { key: "sessions", role: "guardrail" },
  ],
};

describe("experimentDiff", () => {
  it("names each changed field with its old and new value, and nothing else", () => {
    const after: ExperimentInput = {
      ...base,
      status: "running",
      endDate: "2026-02-01",
      windowDays: 7,
      segments: ["platform", "country"],
      variants: [
        { key: "control", name: "Control", weight: 1 },
        { key: "short", name: "Shorter", weight: 2 },
        { key: "tiny", name: "Tiny", weight: 1 },
      ],
      metrics: [
        { key: "purchases", role: "primary" },
        { key: "revenue", role: "secondary" },
      ],
    };
    expect(experimentDiff(base, after).split("; ")).toEqual([
      "status: “draft” → “running”",
      "endDate: — → “2026-02-01”",
      "windowDays: — → 7",
      "segments: “platform” → “platform, country”",
      "variant short name: “Short” → “Shorter”",
      "variant short weight: 1 → 2",
      "variant tiny added (weight 1)",
      "metric revenue added (secondary)",
      "metric sessions removed",
    ]);
  });

  it("says so when nothing changed, and ignores metric order", () => {
    expect(experimentDiff(base, { ...base, metrics: [...base.metrics].reverse() })).toBe("no changes");
    expect(experimentDiff(base, { ...base, metrics: [{ key: "purchases", role: "secondary" }, base.metrics[1]!] })).toBe(
      "metric purchases role: primary → secondary",
    );
  });

  it("shortens long values to one line", () => {
    const summary = experimentDiff(base, { ...base, hypothesis: "a\nb ".repeat(100) });
    expect(summary).toMatch(/^hypothesis: “Shorter is better” → “a b a b.*…”$/);
    expect(summary.length).toBeLessThan(140);
  });
});

describe("auditCsv", () => {
  it("writes one row per entry that a CSV parser reads back, with formula-like cells defused", () => {
    const row = (over: Partial<AuditRow>): AuditRow => ({
      id: 1,
      at: new Date("2026-11-30T10:00:00Z"),
      actorType: "user",
      actorId: "u1",
      actorName: "ann@example.com",
      action: "edited",
      targetType: "experiment",
      targetId: "checkout",
      experimentId: "checkout",
      summary: 'name: "A, b" → "C"',
      ...over,
    });
    const run = row({ id: 3, action: "analysed", targetType: "run", targetId: "17", summary: "analysis #17 started (refresh)" });
    const numbers = new Map([[17, 4]]);
    const csv = auditCsv([row({}), row({ id: 2, actorName: "=HYPERLINK(\"x\")", summary: "line1\nline2" }), run].map((r) => showAuditEntry(r, numbers)));
    const parsed = Papa.parse<string[]>(csv.trim()).data;
    expect(parsed[0]).toEqual(["at", "actor_type", "actor", "action", "target_type", "target", "snapshot", "experiment", "summary"]);
    expect(parsed[1]).toEqual(["2026-11-30T10:00:00.000Z", "user", "ann@example.com", "edited", "experiment", "checkout", "", "checkout", 'name: "A, b" → "C"']);
    expect(parsed[2]![2]).toBe("'=HYPERLINK(\"x\")");
    expect(parsed[2]![8]).toBe("line1\nline2");
    // a run: its stored id, and its number within the experiment as the page shows it
    expect(parsed[3]).toEqual(["2026-11-30T10:00:00.000Z", "user", "ann@example.com", "analysed", "run", "17", "4", "checkout", "snapshot #4 started (refresh)"]);
  });
});
