// Export formats of the dashboard: standalone SVG (chart + title + legend), CSV rows and the
// self-contained HTML report. Pure string building (no DOM), so it is unit-tested in Node; the
// browser side (serialising the live chart, canvas → PNG, the download) is in ./download.ts.
import Papa from "papaparse";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import {
  formatBytes,
  formatDuration,
  formatInteger,
  formatLift,
  formatMean,
  formatPercent,
  formatPValue,
} from "@/lib/format";
import {
  CORRECTION_LABELS,
  levelPercent,
  pValueHeader,
  ROLE_ORDER,
  shownPValue,
  type ResultRow,
  type TimeseriesPoint,
} from "./results-view";

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

export interface ReportInput {
  doc: ResultsDocument;
  rows: ResultRow[];
  mode: "frequentist" | "bayesian";
  segmentLabel: string;
  charts: { title: string; svg: string }[];
  generatedAt: string;
  url?: string;
}

function table(headers: string[], body: string[][], numeric: boolean[] = []): string {
  const th = headers.map((h, i) => `<th${numeric[i] ? ' class="num"' : ""}>${escapeHtml(h)}</th>`).join("");
  const tr = body
    .map((cells) => `<tr>${cells.map((c, i) => `<td${numeric[i] ? ' class="num"' : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<div class="table-wrap"><table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table></div>`;
}

/** A self-contained HTML file: facts, banners, every chart as inline SVG and every table. */
export function buildReportHtml(input: ReportInput): string {
  const { doc, rows } = input;
  const e = doc.experiment;
  const level = levelPercent(doc.view.alpha);
  const viewText = [
    `${level}% intervals`,
    `correction: ${CORRECTION_LABELS[doc.view.correction] ?? doc.view.correction}`,
    `sequential: ${doc.view.sequential ? "on" : "off"}`,
    `CUPED: ${doc.view.cuped ? "on" : "off"}`,
    `${input.mode} display`,
    `segment: ${input.segmentLabel}`,
  ].join(" · ");
  const totalWeight = e.variants.reduce((a, v) => a + v.weight, 0);
  const facts: [string, string][] = [
    ["Experiment id", e.id],
    ["Status", e.status],
    ["Owner", e.owner || "—"],
    ["Dates", `${e.startDate} → ${e.endDate ?? "ongoing"}`],
    ["Users", formatInteger(doc.users.reduce((a, u) => a + u.users, 0))],
    ["Excluded users (seen in several variants)", formatInteger(doc.excludedUsers)],
    [
      "Analysis",
      doc.snapshot
        ? `snapshot #${doc.snapshot.id}, ${utcMinute(doc.snapshot.finishedAt ?? doc.snapshot.startedAt)}, ${formatDuration(doc.snapshot.durationMs)}, ${bytesText(doc.snapshot.bytesProcessed)} (${doc.snapshot.warehouse})`
        : "never",
    ],
    ["View", viewText],
  ];
  const banners: string[] = [];
  if (doc.srm?.mismatch) {
    banners.push(
      `<div class="banner"><strong>Sample ratio mismatch</strong> (χ² p = ${escapeHtml(formatPValue(doc.srm.pValue))}): the users per variant differ from the planned split more than chance allows; the results may be biased.</div>`,
    );
  }
  const failing = rows.filter((r) => r.role === "guardrail" && r.verdict === "lose");
  if (failing.length > 0) {
    banners.push(
      `<div class="banner loud"><strong>⚠ Guardrail failing:</strong> ${escapeHtml(failing.map((r) => `${r.metricName} (${r.variantName})`).join(", "))}</div>`,
    );
  }
  if (doc.lastFailure) {
    banners.push(
      `<div class="banner loud"><strong>The latest analysis failed</strong>; these are the last successful results.<pre>${escapeHtml(doc.lastFailure.error ?? "")}</pre></div>`,
    );
  }
  const usersTable = table(
    ["Variant", "Planned share", "Users"],
    doc.users.map((u) => {
      const w = e.variants.find((v) => v.key === u.variant)?.weight ?? 0;
      return [
        `${u.name}${u.variant === e.controlVariant ? " (control)" : ""}`,
        totalWeight > 0 ? formatPercent(w / totalWeight, 1) : "—",
        formatInteger(u.users),
      ];
    }),
    [false, true, true],
  );
  const resultHeaders = [
    "Metric",
    "Variant",
    "Control mean",
    "Variant mean",
    `Relative lift [${level}% CI]`,
    `Absolute lift [${level}% CI]`,
    pValueHeader(doc.view.correction),
    "Chance to win",
    "Verdict",
  ];
  const sections = ROLE_ORDER.map(({ role, title }) => {
    const list = rows.filter((r) => r.role === role);
    if (list.length === 0) return "";
    return `<h2>${escapeHtml(title)}</h2>\n${table(
      resultHeaders,
      list.map((r) => [
        r.metricName,
        r.variantName,
        formatMean(r.controlMean, r.statistic, r.unit),
        formatMean(r.variantMean, r.statistic, r.unit),
        formatLift(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh, true),
        formatLift(r.absolute.estimate, r.absolute.ciLow, r.absolute.ciHigh, false),
        formatPValue(shownPValue(r, doc.view.correction)),
        formatPercent(r.chanceToWin, 1),
        r.role === "guardrail" && r.verdict === "lose" ? "LOSE (guardrail)" : r.verdict,
      ]),
      [false, false, true, true, true, true, true, true, false],
    )}`;
  }).join("\n");
  const charts = input.charts
    // the SVG carries its own title and legend
    .map((c) => `<figure aria-label="${escapeHtml(c.title)}">\n${c.svg.replace(/^\s*<\?xml[^>]*>\s*/, "")}\n</figure>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(e.name)} · experiment report</title>
<style>
body { font-family: ${FONT}; color: #1b1f24; margin: 24px auto; max-width: 1240px; padding: 0 16px; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 4px; } h2 { font-size: 1.2rem; margin: 28px 0 8px; }
.muted { color: #59636e; } .hypothesis { font-style: italic; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dt { color: #59636e; } dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin-bottom: 12px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #d8dee4; } th { background: #f6f8fa; }
.num { text-align: right; white-space: nowrap; }
.banner { border: 1px solid #e69f00; background: #fff4e5; padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
.banner.loud { border: 2px solid #d55e00; background: #fdebe0; }
figure { margin: 16px 0; overflow-x: auto; } .table-wrap { overflow-x: auto; }
figure > svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>${escapeHtml(e.name)}</h1>
${e.hypothesis ? `<p class="hypothesis">${escapeHtml(e.hypothesis)}</p>` : ""}
<dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>
${banners.join("\n")}
<h2>Users per variant</h2>
${usersTable}
${charts}
${sections}
<p class="muted">Generated ${escapeHtml(input.generatedAt)}${input.url ? ` from <a href="${escapeHtml(input.url)}">${escapeHtml(input.url)}</a>` : ""}. Numbers are recomputed from the snapshot's stored sufficient statistics.</p>
</body>
</html>
`;
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
