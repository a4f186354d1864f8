import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import {
  buildReportHtml,
  composeStandaloneSvg,
  escapeXml,
  RESULTS_CSV_FIELDS,
  resultsCsv,
  slug,
  timeseriesCsv,
} from "@/lib/ui/export";
import type { ResultRow } from "@/lib/ui/results-view";

const chart =
  '<svg class="recharts-surface" width="600" height="200" viewBox="0 0 600 200" style="width: 100%; height: 100%;" xmlns="http://www.w3.org/2000/svg"><g><text>Purchases &amp; more</text></g></svg>';

describe("standalone SVG", () => {
  const out = composeStandaloneSvg({
    chartSvg: chart,
    width: 600.4,
    height: 199.6,
    title: "Lift <by> metric",
    subtitle: "95% intervals",
    legend: [
      { label: "Treatment", color: "#0072B2", kind: "point" },
      { label: "95% interval", color: "#6e7781", kind: "line" },
    ],
  });

  it("has one root with the SVG namespace, a <title>, a white background and the legend", () => {
    expect(out.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(out.svg).toContain("<title>Lift &lt;by&gt; metric</title>");
    expect(out.svg).toContain('fill="#ffffff"');
    expect(out.svg).toContain(">Treatment</text>");
    expect(out.svg).toContain(">95% interval</text>");
    expect(out.svg.match(/xmlns="/g)).toHaveLength(1);
  });

  it("sizes: chart width, header + chart + legend height", () => {
    expect(out.width).toBe(600);
    expect(out.height).toBeGreaterThan(200);
    expect(out.svg).toContain(`width="600" height="${out.height}" viewBox="0 0 600 ${out.height}"`);
    // the chart keeps its viewBox and gets an explicit size and position
    expect(out.svg).toMatch(/<svg class="recharts-surface" viewBox="0 0 600 200" x="0" y="\d+" width="600" height="200"/);
    expect(out.svg).not.toContain("width: 100%");
  });

  it("escapes text", () => {
    expect(escapeXml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    expect(slug("Checkout redesign / ios")).toBe("checkout-redesign-ios");
  });
});

const row = (metricKey: string, variantKey: string): ResultRow => ({
  metricKey,
  metricName: metricKey === "rev" ? 'Revenue, "net"' : "Purchases",
  description: "",
  role: "primary",
  statistic: "mean",
  valueLabel: "mean",
  unit: "count",
  higherIsBetter: true,
  variantKey,
  variantName: variantKey,
  variantIndex: 1,
  controlKey: "control",
  controlName: "Control",
  controlN: 100,
  variantN: 101,
  controlMean: 1,
  variantMean: 1.1,
  absolute: { estimate: 0.1, ciLow: 0.01, ciHigh: 0.19 },
  relative: { estimate: 0.1, ciLow: null, ciHigh: 0.19 },
  absolute68: null,
  relative68: null,
  pValue: 0.03,
  adjustedPValue: 0.06,
  chanceToWin: 0.98,
  risk: 0.001,
  cuped: true,
  verdict: "win",
});

describe("CSV", () => {
  it("results: a header and one line per metric and variant; quoting by papaparse; empty for null", () => {
    const csv = resultsCsv([row("purchases", "a"), row("rev", "a"), row("rev", "b")], {
      experimentId: "x",
      segment: "all",
      alpha: 0.05,
      correction: "holm",
      sequential: false,
      cuped: true,
    });
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...RESULTS_CSV_FIELDS]);
    expect(parsed.data).toHaveLength(3);
    expect(parsed.data[1]?.metric).toBe('Revenue, "net"');
    expect(parsed.data[0]?.relative_ci_low).toBe("");
    expect(parsed.data[0]?.p_value_adjusted).toBe("0.06");
    expect(parsed.data[0]?.ci_level).toBe("0.95");
  });

  it("time series: one line per point", () => {
    const csv = timeseriesCsv(
      [
        { x: 0, metric: "m", variant: "t", users: 10, estimate: 0.1, ciLow: -0.1, ciHigh: 0.3 },
        { x: 1, metric: "m", variant: "t", users: 20, estimate: null, ciLow: null, ciHigh: null },
      ],
      { experimentId: "x", segment: "all", axis: "exposure", metricNames: new Map([["m", "Metric"]]), variantNames: new Map() },
    );
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true });
    expect(parsed.data).toEqual([
      expect.objectContaining({ x: "0", metric: "Metric", variant: "t", relative_lift: "0.1" }),
      expect.objectContaining({ x: "1", relative_lift: "" }),
    ]);
  });
});

describe("HTML report", () => {
  it("is one self-contained file with the charts, every metric and escaped text", () => {
    const doc = {
      experiment: {
        id: "x",
        name: "Test <script>alert(1)</script>",
        hypothesis: "H",
        owner: "o",
        status: "running",
        startDate: "2026-01-01",
        endDate: null,
        controlVariant: "control",
        variants: [
          { key: "control", name: "Control", weight: 1 },
          { key: "a", name: "A", weight: 1 },
        ],
      },
      snapshot: null,
      lastFailure: null,
      view: { alpha: 0.05, correction: "none", sequential: false, cuped: true },
      users: [
        { variant: "control", name: "Control", users: 100 },
        { variant: "a", name: "A", users: 101 },
      ],
      excludedUsers: 3,
      srm: { chiSquare: 10, pValue: 0.001, mismatch: true },
      metrics: [],
      warnings: [],
      segments: [],
      segment: "all",
      timeseries: [],
    } as unknown as ResultsDocument;
    const html = buildReportHtml({
      doc,
      rows: [row("purchases", "a"), { ...row("rev", "a"), role: "guardrail", verdict: "lose" }],
      mode: "frequentist",
      segmentLabel: "All users",
      charts: [{ title: "Forest", svg: '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><title>F</title></svg>' }],
      generatedAt: "2026-01-02 10:00 UTC",
    });
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toContain("<script>");
    expect(html).toContain("Test &lt;script&gt;");
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"><title>F</title></svg>');
    expect(html).not.toContain("<?xml");
    expect(html).toContain("Purchases");
    expect(html).toContain("Revenue, &quot;net&quot;");
    expect(html).toContain("Sample ratio mismatch");
    expect(html).toContain("Guardrail failing");
    expect(html).toContain("<h2>Guardrail metrics</h2>");
  });
});
