import { describe, expect, it } from "vitest";
import { planFor } from "@/lib/analysis/plan";
import type { ExperimentWithParts } from "@/lib/analysis/experiments";
import { commentText } from "@/lib/analysis/sql-comment";
import { analysisStatements, formatStatements, statementList } from "@/lib/analysis/statements";
import { loadCatalog } from "@/lib/metrics/registry";
import { duckdbDialect } from "@/lib/warehouse/dialect";

// Every way a line can end for some reader of the script: SQL engines, editors, terminals.
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

function experiment(id: string, exposureKey: string | null): ExperimentWithParts {
  const now = new Date();
  return {
    id,
    name: "x",
    hypothesis: "",
    owner: "",
    status: "running",
    startDate: "2026-10-01",
    endDate: "2026-10-14",
    exposureSource: "exposures",
    exposureKey,
    controlVariant: "control",
    windowDays: null,
    plannedMde: 0.05,
    archivedAt: null,
    segments: "[]",
    dataSource: "warehouse",
    refreshHours: 6,
    createdAt: now,
    updatedAt: now,
    variants: [
      { id: 1, experimentId: id, key: "control", name: "C", weight: 1, position: 0 },
      { id: 2, experimentId: id, key: "treatment", name: "T", weight: 1, position: 1 },
    ],
    metrics: [{ id: 1, experimentId: id, metricKey: "purchases", role: "primary", position: 0 }],
    phases: [],
  };
}

describe("SQL comments", () => {
  it("commentText escapes every character that could end the comment or hide text", () => {
    expect(commentText("a\nDROP TABLE x;")).toBe("a\\u{a}DROP TABLE x;");
    expect(commentText("a\r\u2028\u2029\u0085\v\f\u202e\u0000b")).toBe("a\\u{d}\\u{2028}\\u{2029}\\u{85}\\u{b}\\u{c}\\u{202e}\\u{0}b");
    expect(commentText("checkout-redesign é ü 日本")).toBe("checkout-redesign é ü 日本");
    expect(commentText("x").split(LINE_BREAK)).toHaveLength(1);
  });

  it("a stored value with line breaks stays inside the parameter comments of `analyze --sql`", async () => {
    // only possible by writing the database directly; the SQL binds it, the header prints it
    const key = "k\u2028DROP TABLE events;\u2029\rDELETE FROM users;";
    const script = formatStatements(statementList(analysisStatements(planFor(experiment("probe", key), await loadCatalog()), duckdbDialect)), true);
    const lines = script.split(LINE_BREAK);
    const injected = lines.filter((l) => /DROP TABLE|DELETE FROM/.test(l));
    expect(injected.length).toBeGreaterThan(0);
    for (const line of injected) expect(line).toMatch(/^--/);
  });
});
