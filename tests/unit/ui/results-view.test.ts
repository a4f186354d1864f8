import { describe, expect, it } from "vitest";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import { DEFAULT_DISPLAY } from "@/lib/ui/view-params";
import { allRows, levelPercent, pValueHeader, verdictOf, visibleRows } from "@/lib/ui/results-view";

const interval = (estimate: number, ciLow: number, ciHigh: number) => ({ estimate, ciLow, ciHigh });

function doc(): ResultsDocument {
  const treatment = (id: string, rel: [number, number, number], p: number, ctw: number) => ({
    id,
    name: id.toUpperCase(),
    n: 1000,
    mean: 1.1,
    stdDev: 1,
    absolute: interval(rel[0] / 10, rel[1] / 10, rel[2] / 10),
    relative: interval(...rel),
    pValue: p,
    adjustedPValue: Math.min(1, p * 2),
    chanceToWin: ctw,
    risk: { control: 0.02, treatment: 0.001 },
    cuped: true,
    intervals: [{ level: 0.68, absolute: interval(0.01, 0.005, 0.015), relative: interval(0.1, 0.05, 0.15) }],
  });
  return {
    experiment: {
      id: "x",
      name: "X",
      hypothesis: "",
      owner: "",
      status: "running",
      startDate: "2026-01-01",
      endDate: null,
      controlVariant: "c",
      variants: [
        { key: "c", name: "Control", weight: 1 },
        { key: "a", name: "A", weight: 1 },
        { key: "b", name: "B", weight: 1 },
      ],
    },
    snapshot: null,
    lastFailure: null,
    view: { alpha: 0.05, correction: "none", sequential: false, cuped: true },
    users: [],
    excludedUsers: 0,
    srm: null,
    metrics: [
      {
        key: "up",
        name: "Up",
        description: "",
        role: "primary",
        statistic: "mean",
        unit: "count",
        higherIsBetter: true,
        variants: [
          { id: "c", name: "Control", n: 1000, mean: 1, stdDev: 1 },
          treatment("a", [0.1, 0.02, 0.18], 0.01, 0.99),
          treatment("b", [0.01, -0.05, 0.07], 0.6, 0.6),
        ],
      },
      {
        key: "errors",
        name: "Errors",
        description: "",
        role: "guardrail",
        statistic: "mean",
        unit: "count",
        higherIsBetter: false,
        variants: [
          { id: "c", name: "Control", n: 1000, mean: 1, stdDev: 1 },
          treatment("a", [0.1, 0.02, 0.18], 0.01, 0.99),
          treatment("b", [-0.1, -0.18, -0.02], 0.01, 0.01),
        ],
      },
    ],
    warnings: [],
    segments: [],
    segment: "all",
    timeseries: [],
  } as ResultsDocument;
}

describe("results rows", () => {
  it("one row per metric × treatment, with control numbers and the 68% interval", () => {
    const rows = allRows(doc());
    expect(rows.map((r) => `${r.metricKey}/${r.variantKey}`)).toEqual(["up/a", "up/b", "errors/a", "errors/b"]);
    expect(rows[0]).toMatchObject({ controlMean: 1, controlN: 1000, variantName: "A", controlName: "Control", variantIndex: 1 });
    expect(rows[0]?.relative68).toEqual(interval(0.1, 0.05, 0.15));
  });

  it("verdicts respect the direction of the metric", () => {
    const rows = allRows(doc());
    expect(rows.map((r) => r.verdict)).toEqual(["win", "inconclusive", "lose", "win"]);
    // chance to win and risk flip for lower-is-better metrics
    expect(rows[2]?.chanceToWin).toBeCloseTo(0.01, 12);
    expect(rows[2]?.risk).toBe(0.02);
  });

  it("Bayesian verdicts come from the chance to win", () => {
    expect(allRows(doc(), "bayesian").map((r) => r.verdict)).toEqual(["win", "inconclusive", "lose", "win"]);
    const row = { relative: interval(0, -1, 1), absolute: interval(0, -1, 1), higherIsBetter: true };
    expect(verdictOf({ ...row, chanceToWin: 0.97 }, "bayesian", 0.05)).toBe("win");
    expect(verdictOf({ ...row, chanceToWin: 0.5 }, "bayesian", 0.05)).toBe("inconclusive");
    expect(verdictOf({ ...row, chanceToWin: null }, "bayesian", 0.05)).toBe("inconclusive");
  });

  it("falls back to the absolute interval when the relative one is missing", () => {
    const row = { relative: { estimate: null, ciLow: null, ciHigh: null }, absolute: interval(1, 0.5, 1.5), chanceToWin: null, higherIsBetter: true };
    expect(verdictOf(row, "frequentist", 0.05)).toBe("win");
  });

  it("filters by metric, variant and significance", () => {
    const d = doc();
    expect(visibleRows(d, { ...DEFAULT_DISPLAY, metrics: ["errors"] })).toHaveLength(2);
    expect(visibleRows(d, { ...DEFAULT_DISPLAY, variants: ["b"] }).map((r) => r.metricKey)).toEqual(["up", "errors"]);
    expect(visibleRows(d, { ...DEFAULT_DISPLAY, significantOnly: true }).map((r) => `${r.metricKey}/${r.variantKey}`)).toEqual([
      "up/a",
      "errors/a",
      "errors/b",
    ]);
  });

  it("labels", () => {
    expect(levelPercent(0.05)).toBe("95");
    expect(levelPercent(0.005)).toBe("99.5");
    expect(pValueHeader("none")).toBe("p-value");
    expect(pValueHeader("holm")).toBe("p-value (Holm-adjusted)");
  });
});
