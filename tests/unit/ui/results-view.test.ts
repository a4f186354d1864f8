import { describe, expect, it } from "vitest";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import { DEFAULT_DISPLAY } from "@/lib/ui/view-params";
import { allRows, barScales, columnLabels, levelPercent, pValueHeader, shownPValue, verdictOf, visibleRows } from "@/lib/ui/results-view";
import { DEFAULT_VIEW, type ViewOptions } from "@/lib/analysis/stats-request";
import { craftedDocument } from "../../support/crafted-stats";

const interval = (estimate: number, ciLow: number, ciHigh: number) => ({ estimate, ciLow, ciHigh });

function doc(): ResultsDocument {
  const treatment = (id: string, rel: [number, number, number], p: number, ctw: number) => ({
    id,
    name: id.toUpperCase(),
    n: 1000,
    mean: 1.1,
    stdDev: 1,
    // the control's mean is 1, so the difference equals the relative lift
    absolute: interval(...rel),
    relative: interval(...rel),
    pValue: p,
    adjustedPValue: Math.min(1, p * 2),
    chanceToWin: ctw,
    risk: { control: 0.02, treatment: 0.001 },
    cuped: true,
    intervals: [{ level: 0.68, absolute: interval(0.1, 0.05, 0.15), relative: interval(0.1, 0.05, 0.15) }],
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
    health: null,
  } as unknown as ResultsDocument;
}

describe("results rows", () => {
  it("one row per metric × treatment, with control numbers and the 68% interval", () => {
    const rows = allRows(doc());
    expect(rows.map((r) => `${r.metricKey}/${r.variantKey}`)).toEqual(["up/a", "up/b", "errors/a", "errors/b"]);
    expect(rows[0]).toMatchObject({ controlMean: 1, controlN: 1000, variantName: "A", controlName: "Control", variantIndex: 1 });
    // frequentist relative intervals come from the difference's (Fieller): a little wider and asymmetric
    const r68 = rows[0]!.relative68!;
    expect(r68.estimate).toBeCloseTo(0.1, 12);
    expect(r68.ciLow!).toBeLessThan(0.05);
    expect(r68.ciHigh!).toBeGreaterThan(0.15);
    expect(r68.ciHigh! - 0.1).toBeGreaterThan(0.1 - r68.ciLow!);
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
    expect(pValueHeader("bh", true)).toBe("p-value (Benjamini–Hochberg-adjusted, sequential)");
  });

  it("columns match the mode: no p-value in Bayesian views, no chance to win in frequentist ones", () => {
    const f = columnLabels({ ...DEFAULT_VIEW, correction: "holm", sequential: true });
    expect(f).toMatchObject({ mode: "frequentist", interval: "95% confidence sequence, Holm-adjusted", pValue: "p-value (Holm-adjusted, sequential)", chanceToWin: null, risk: null });
    const b = columnLabels({ ...DEFAULT_VIEW, mode: "bayesian", correction: "holm", sequential: true });
    expect(b).toMatchObject({ mode: "bayesian", level: "90", interval: "90% credible interval", pValue: null, chanceToWin: "Chance to win", risk: "Risk" });
  });

  it("interval bars: relative lifts share one scale, absolute lifts one per metric", () => {
    const rows = allRows(doc());
    const rel = barScales(rows, "relative");
    expect(rel(rows[0]!)).toEqual(rel(rows[3]!));
    expect(rel(rows[0]!).min).toBeLessThan(-0.18);
    expect(rel(rows[0]!).max).toBeGreaterThan(0.18);
    const abs = barScales([rows[0]!, { ...rows[2]!, absolute: { estimate: 5, ciLow: 4, ciHigh: 6 } }], "absolute");
    expect(abs(rows[0]!).max).toBeLessThan(1);
    expect(abs({ ...rows[2]!, metricKey: "errors" }).max).toBeGreaterThan(6);
  });
});

describe("no column contradicts the verdict next to it", () => {
  // many crafted experiments near the edge of significance, in every mode
  const cases = Array.from({ length: 60 }, (_, i) => ({ effect: 0.002 * (i % 20) - 0.01, n: 4000 + 900 * i }));
  const views: Partial<ViewOptions>[] = [
    {},
    { correction: "holm" },
    { correction: "bh", sequential: true },
    { sequential: true, alpha: 0.1 },
  ];
  it.each(views.map((v) => [JSON.stringify(v), v] as const))("frequentist %s: win/lose exactly when the shown p-value is below α, and the interval excludes zero", (_name, view) => {
    let decided = 0;
    for (const c of cases) {
      const d = craftedDocument(
        {
          variants: [{ key: "control", users: c.n }, { key: "t", users: c.n }, { key: "u", users: c.n }],
          metrics: [
            { key: "m1", role: "primary", type: "proportion", arms: { control: { mean: 0.1 }, t: { mean: 0.1 + c.effect }, u: { mean: 0.1 - c.effect / 2 } } },
            { key: "m2", role: "guardrail", type: "mean", higherIsBetter: false, arms: { control: { mean: 2, sd: 3 }, t: { mean: 2 + c.effect * 10 }, u: { mean: 2 } } },
          ],
        },
        view,
      );
      for (const r of allRows(d)) {
        const p = shownPValue(r, d.view.correction)!;
        const significant = r.verdict !== "inconclusive";
        expect(significant, `${r.metricKey}/${r.variantKey} p=${p}`).toBe(p < d.view.alpha);
        const excludes = r.absolute.ciLow! > 0 || r.absolute.ciHigh! < 0;
        expect(excludes).toBe(significant);
        // the relative interval shown beside it agrees too (Fieller, from the same test)
        const relExcludes = r.relative.ciLow! > 0 || r.relative.ciHigh! < 0;
        expect(relExcludes, `${r.metricKey}/${r.variantKey}: relative [${r.relative.ciLow}, ${r.relative.ciHigh}] vs p ${p}`).toBe(significant);
        if (significant) decided++;
      }
    }
    expect(decided).toBeGreaterThan(20);
  });

  it("Bayesian: win exactly when the chance to win passes 1 − α, and the credible interval then lies above zero", () => {
    let wins = 0;
    for (const c of cases) {
      const d = craftedDocument(
        { variants: [{ key: "control", users: c.n }, { key: "t", users: c.n }], metrics: [{ key: "m1", role: "primary", type: "proportion", arms: { control: { mean: 0.1 }, t: { mean: 0.1 + c.effect } } }] },
        { mode: "bayesian", correction: "holm", sequential: true },
      );
      for (const r of allRows(d)) {
        expect(r.verdict === "win").toBe(r.chanceToWin! >= 0.95);
        expect(r.verdict === "lose").toBe(r.chanceToWin! <= 0.05);
        // the 90% credible interval and the chance to win agree away from the boundary (t vs normal quantiles)
        if (Math.abs(r.chanceToWin! - 0.95) > 0.002) expect(r.relative.ciLow! > 0).toBe(r.verdict === "win");
        if (r.verdict === "win") wins++;
      }
    }
    expect(wins).toBeGreaterThan(5);
  });
});
