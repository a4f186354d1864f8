import { describe, expect, it } from "vitest";
import { latestEndDate } from "@/lib/analysis/experiment-rules";
import { planFor } from "@/lib/analysis/plan";
import type { ExperimentWithParts } from "@/lib/analysis/experiments";
import { capText, MAX_STORED_ERROR_CHARS, MAX_STORED_SQL_CHARS, storedError, storedSql } from "@/lib/analysis/snapshot-limits";
import { analysisStatements, formatStatements, statementList } from "@/lib/analysis/statements";
import { loadCatalog } from "@/lib/metrics/registry";
import { bigqueryDialect, duckdbDialect } from "@/lib/warehouse/dialect";

describe("snapshot limits", () => {
  it("keeps short texts and cuts long ones, saying how much was cut", () => {
    expect(storedSql("SELECT 1")).toBe("SELECT 1");
    expect(storedError("boom")).toBe("boom");
    const sql = storedSql("x".repeat(38_000_000)); // the 38 MB statement of a 9999-12-31 end date
    expect(sql.length).toBeLessThan(MAX_STORED_SQL_CHARS + 200);
    expect(sql).toMatch(new RegExp(`\\n-- … ${38_000_000 - MAX_STORED_SQL_CHARS} more characters not stored \\(a snapshot keeps at most ${MAX_STORED_SQL_CHARS}\\)$`));
    const error = storedError("e".repeat(100_000));
    expect(error.length).toBeLessThan(MAX_STORED_ERROR_CHARS + 100);
    expect(error).toMatch(/ … \(95904 more characters not stored\)$/);
  });

  it("never keeps half a surrogate pair", () => {
    const text = "a".repeat(9) + "😀" + "b"; // the emoji spans characters 10 and 11
    expect(capText(text, 10, () => "…")).toBe("a".repeat(9) + "…");
    expect(capText(text, 11, () => "…")).toBe("a".repeat(9) + "😀…");
  });

  it("the largest analysis the rules allow stores its SQL whole", async () => {
    const catalog = await loadCatalog();
    const start = "2026-01-01";
    const now = new Date();
    const variants = Array.from({ length: 10 }, (_, i) => ({ id: i, experimentId: "big", key: `v${i}`, name: `V${i}`, weight: 1, position: i }));
    const metrics = [...catalog.metrics.values()].map((m, i) => ({ id: i, experimentId: "big", metricKey: m.key, role: "secondary", position: i }));
    const exp: ExperimentWithParts = {
      id: "big",
      name: "big",
      hypothesis: "",
      owner: "",
      status: "stopped",
      startDate: start,
      endDate: latestEndDate(start),
      exposureSource: "exposures",
      exposureKey: null,
      controlVariant: "v0",
      windowDays: null,
      plannedMde: 0.05,
      archivedAt: null,
      segments: JSON.stringify(["platform", "country", "user_type"]),
      dataSource: "warehouse",
      refreshHours: 6,
      createdAt: now,
      updatedAt: now,
      variants,
      metrics,
      phases: [],
    };
    const plan = planFor(exp, catalog);
    for (const dialect of [duckdbDialect, bigqueryDialect({ projectId: "acme", dataset: "product" })]) {
      const sql = formatStatements(statementList(analysisStatements(plan, dialect)), false);
      expect(sql.length).toBeGreaterThan(1000);
      expect(sql.length).toBeLessThan(MAX_STORED_SQL_CHARS / 4);
      expect(storedSql(sql)).toBe(sql);
    }
  });
});
