import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import {
  composeStandaloneSvg,
  escapeXml,
  RESULTS_CSV_FIELDS,
  resultsCsv,
  slug,
  standaloneReport,
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
  currency: metricKey === "rev" ? "EUR" : null,
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
    expect(parsed.data.map((r) => r.currency)).toEqual(["", "EUR", "EUR"]);
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
  it("is the server-rendered page as one self-contained file: no scripts or links, its styles inlined", () => {
    const page = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><link rel="stylesheet" href="/_next/static/chunks/a.css"/><script src="/_next/static/chunks/main.js" async=""></script></head><body><main><h1>Checkout redesign</h1><p data-testid="decision-title">Ship One-page checkout</p></main><script>self.__next_f.push([1,"x"])</script></body></html>`;
    const html = standaloneReport({ html: page, css: [".decision{color:green}", "a{color:blue}</style><script>alert(1)</script>"], generatedAt: "2026-01-02 10:00 UTC", url: "http://x/experiments/a?b=1&c=2" });
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).toContain("<style>\n.decision{color:green}");
    expect(html).toContain("a{color:blue}\\3C /style>\\3C script>alert(1)"); // escaped: the style element is not closed early
    expect(html.indexOf("<style>")).toBeLessThan(html.indexOf("</head>"));
    expect(html).toContain('<p data-testid="decision-title">Ship One-page checkout</p>');
    expect(html).toContain("Generated 2026-01-02 10:00 UTC from <a href=\"http://x/experiments/a?b=1&amp;c=2\">");
    expect(html.indexOf("report-footer")).toBeLessThan(html.indexOf("</body>"));
  });
});
