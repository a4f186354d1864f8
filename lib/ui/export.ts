// Export formats of the dashboard: standalone SVG (chart + title + legend), CSV rows and the
// self-contained HTML report (the server-rendered report page, its styles inlined). Pure string
// building (no DOM), so it is unit-tested in Node; the browser side (serialising the live chart,
// canvas → PNG, fetching the report page, the download) is in ./download.ts.
import Papa from "papaparse";
import { formatBytes } from "@/lib/format";
import type { ResultRow, TimeseriesPoint } from "./results-view";

export interface LegendItem {
  label: string;
  color: string;
  /** how the swatch is drawn */
  kind: "point" | "line" | "band" | "bar";
}

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export const escapeHtml = escapeXml;

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const TITLE_HEIGHT = 34;
const SUBTITLE_HEIGHT = 18;
const LEGEND_ROW = 22;
const LEGEND_PAD = 10;

/** Rough text width at 12px (no DOM to measure in Node); generous so items never overlap. */
function textWidth(s: string, px = 12): number {
  return Math.ceil(s.length * px * 0.6);
}

function swatch(item: LegendItem, x: number, y: number): string {
  const c = escapeXml(item.color);
  switch (item.kind) {
    case "point":
      return `<circle cx="${x + 7}" cy="${y}" r="5" fill="${c}"/>`;
    case "line":
      return `<line x1="${x}" y1="${y}" x2="${x + 14}" y2="${y}" stroke="${c}" stroke-width="3"/>`;
    case "band":
      return `<rect x="${x}" y="${y - 6}" width="14" height="12" fill="${c}" fill-opacity="0.3" stroke="${c}" stroke-width="1"/>`;
    case "bar":
      return `<rect x="${x}" y="${y - 3}" width="14" height="6" fill="${c}"/>`;
  }
}

/** Legend rows laid out within `width`; returns the SVG fragment and its height. */
function legendSvg(items: LegendItem[], width: number, top: number): { svg: string; height: number } {
  if (items.length === 0) return { svg: "", height: 0 };
  const parts: string[] = [];
  let x = LEGEND_PAD;
  let row = 0;
  for (const item of items) {
    const w = 14 + 6 + textWidth(item.label) + 18;
    if (x + w > width - LEGEND_PAD && x > LEGEND_PAD) {
      row++;
      x = LEGEND_PAD;
    }
    const y = top + LEGEND_PAD + row * LEGEND_ROW + LEGEND_ROW / 2;
    parts.push(
      `<g class="legend-item">${swatch(item, x, y)}<text x="${x + 20}" y="${y + 4}" font-size="12" fill="#1b1f24">${escapeXml(item.label)}</text></g>`,
    );
    x += w;
  }
  const height = LEGEND_PAD * 2 + (row + 1) * LEGEND_ROW;
  return { svg: `<g class="legend">${parts.join("")}</g>`, height };
}

export interface StandaloneSvgInput {
  /** the chart's own serialised <svg> element (XMLSerializer output) */
  chartSvg: string;
  width: number;
  height: number;
  title: string;
  subtitle?: string;
  legend: LegendItem[];
}

/**
 * One standalone SVG document: white background, title (also as <title>), the chart, a legend.
 * The chart keeps its own coordinate system as a nested <svg>. Size is in CSS pixels.
 */
export function composeStandaloneSvg(input: StandaloneSvgInput): { svg: string; width: number; height: number } {
  const width = Math.max(1, Math.round(input.width));
  const chartHeight = Math.max(1, Math.round(input.height));
  const header = TITLE_HEIGHT + (input.subtitle ? SUBTITLE_HEIGHT : 0);
  const legend = legendSvg(input.legend, width, header + chartHeight);
  const height = header + chartHeight + legend.height;
  // the chart's root <svg>: placed at (0, header), sized explicitly, without a conflicting xmlns
  const chart = input.chartSvg
    .replace(/^\s*<\?xml[^>]*>\s*/, "")
    .replace(/^<svg\b([^>]*)>/, (_m, attrs: string) => {
      const kept = attrs
        .replace(/\s(x|y|width|height|style)="[^"]*"/g, "")
        .replace(/\sxmlns(:xlink)?="[^"]*"/g, "");
      return `<svg${kept} x="0" y="${header}" width="${width}" height="${chartHeight}" overflow="visible">`;
    });
  const subtitle = input.subtitle
    ? `<text x="${LEGEND_PAD}" y="${TITLE_HEIGHT + 12}" font-size="12" fill="#59636e">${escapeXml(input.subtitle)}</text>`
    : "";
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEGEND_PAD}" y="23" font-size="16" font-weight="600" fill="#1b1f24">${escapeXml(input.title)}</text>`,
    subtitle,
    chart,
    legend.svg,
    `</svg>`,
  ].join("\n");
  return { svg, width, height };
}

// ---------------------------------------------------------------- CSV

export interface CsvContext {
  experimentId: string;
  segment: string;
  alpha: number;
  correction: string;
  sequential: boolean;
  cuped: boolean;
}

// Text cells (variant names typed in the editor, segment values from the warehouse) could start with
// "=", "+", "-" or "@" and run as spreadsheet formulas; Papa prefixes such strings with a quote.
const CSV_OPTIONS = { escapeFormulae: true } as const;

const n = (x: number | null | undefined): number | "" => (typeof x === "number" && Number.isFinite(x) ? x : "");

export const RESULTS_CSV_FIELDS = [
  "experiment_id",
  "segment",
  "metric_key",
  "metric",
  "role",
  "variant",
  "control_variant",
  "control_users",
  "variant_users",
  "control_mean",
  "variant_mean",
  "absolute_lift",
  "absolute_ci_low",
  "absolute_ci_high",
  "relative_lift",
  "relative_ci_low",
  "relative_ci_high",
  "ci_level",
  "p_value",
  "p_value_adjusted",
  "correction",
  "chance_to_win",
  "risk",
  "sequential",
  "cuped",
  "verdict",
  "unit",
  "currency",
] as const;

/** One line per metric × treatment variant (control numbers on every line). */
export function resultsCsv(rows: ResultRow[], ctx: CsvContext): string {
  return Papa.unparse({
    fields: [...RESULTS_CSV_FIELDS],
    data: rows.map((r) => [
      ctx.experimentId,
      ctx.segment,
      r.metricKey,
      r.metricName,
      r.role,
      r.variantKey,
      r.controlKey,
      n(r.controlN),
      n(r.variantN),
      n(r.controlMean),
      n(r.variantMean),
      n(r.absolute.estimate),
      n(r.absolute.ciLow),
      n(r.absolute.ciHigh),
      n(r.relative.estimate),
      n(r.relative.ciLow),
      n(r.relative.ciHigh),
      1 - ctx.alpha,
      n(r.pValue),
      n(r.adjustedPValue),
      ctx.correction,
      n(r.chanceToWin),
      n(r.risk),
      ctx.sequential ? 1 : 0,
      r.cuped && ctx.cuped ? 1 : 0,
      r.verdict,
      r.unit,
      r.currency ?? "",
    ]),
  }, CSV_OPTIONS);
}

export const TIMESERIES_CSV_FIELDS = [
  "experiment_id",
  "segment",
  "axis",
  "x",
  "metric_key",
  "metric",
  "variant",
  "users",
  "relative_lift",
  "ci_low",
  "ci_high",
] as const;

/** One line per day × metric × variant of the cumulative relative lift. */
export function timeseriesCsv(
  points: TimeseriesPoint[],
  ctx: { experimentId: string; segment: string; axis: "exposure" | "calendar"; metricNames: Map<string, string>; variantNames: Map<string, string> },
): string {
  return Papa.unparse({
    fields: [...TIMESERIES_CSV_FIELDS],
    data: points.map((p) => [
      ctx.experimentId,
      ctx.segment,
      ctx.axis === "exposure" ? "days_since_exposure" : "calendar_date",
      p.x,
      p.metric,
      ctx.metricNames.get(p.metric) ?? p.metric,
      ctx.variantNames.get(p.variant) ?? p.variant,
      n(p.users),
      n(p.estimate),
      n(p.ciLow),
      n(p.ciHigh),
    ]),
  }, CSV_OPTIONS);
}

// ---------------------------------------------------------------- HTML report

/** "2026-11-21 03:43 UTC" (as the page shows times). */
export function utcMinute(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "—" : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "1.2 GB scanned", or that the warehouse does not report it (DuckDB). */
export function bytesText(bytes: number | null | undefined): string {
  return typeof bytes === "number" && Number.isFinite(bytes) ? `${formatBytes(bytes)} scanned` : "bytes scanned not reported";
}

export interface StandaloneReportInput {
  /** the report page as the server rendered it (the same components as the dashboard) */
  html: string;
  /** the text of every stylesheet the page links */
  css: string[];
  generatedAt: string;
  url?: string;
}

/**
 * The server-rendered report page as one self-contained file: scripts and links to the app's
 * files removed, its stylesheets inlined, a line saying when and from where it was made. The
 * numbers are the page's own markup, so they are the dashboard's numbers.
 */
export function standaloneReport(input: StandaloneReportInput): string {
  let html = input.html
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "")
    .replace(/<link\b[^>]*>/gi, "")
    .replace(/<noscript\b[^>]*>[\s\S]*?<\/noscript>/gi, "");
  // "<" never reaches the markup from CSS (it could close the style element): its CSS escape means the same
  const style = `<style>\n${input.css.join("\n").replace(/</g, "\\3C ")}\n</style>`;
  html = /<\/head>/i.test(html) ? html.replace(/<\/head>/i, `${style}\n</head>`) : `${style}\n${html}`;
  const footer = `<p class="muted report-footer">Generated ${escapeHtml(input.generatedAt)}${
    input.url ? ` from <a href="${escapeHtml(input.url)}">${escapeHtml(input.url)}</a>` : ""
  }. Every number is derived from the snapshot's stored sufficient statistics.</p>`;
  html = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${footer}\n</body>`) : `${html}\n${footer}`;
  return html.startsWith("<!DOCTYPE") || html.startsWith("<!doctype") ? html : `<!doctype html>\n${html}`;
}

/** A file name part from free text: "Checkout redesign" → "checkout-redesign". */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "export"
  );
}
