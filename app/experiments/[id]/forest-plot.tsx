"use client";

import { useMemo, useState } from "react";
import {
  CartesianGrid,
  ErrorBar,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { absoluteLiftText, formatInteger, formatLift, formatMean, formatPercent, formatPValue, relativeLiftText } from "@/lib/format";
import type { LegendItem } from "@/lib/ui/export";
import { OKABE_ITO, TONE_COLORS } from "@/lib/ui/palette";
import { niceAxis } from "@/lib/ui/ticks";
import { pValueHeader, shownPValue, type ResultRow } from "@/lib/ui/results-view";
import type { DecisionStatus } from "@/lib/ui/decision";
import { ChartFrame, LegendToggle } from "@/app/components/chart-frame";
import { toneOf } from "@/app/components/results/results-table";
import type { Tone } from "@/app/components/results/interval-bar";

export interface ForestPlotProps {
  rows: ResultRow[];
  display: "relative" | "absolute";
  level: string;
  correction: string;
  title: string;
  subtitle?: string;
  fileStem: string;
  /** prefix of the exported title, e.g. the experiment's name */
  exportPrefix: string;
  /** treatment variants of the experiment, for the legend */
  treatments: { key: string; name: string; index: number }[];
  multiVariant: boolean;
  /** the decision's status: under unreliable data nothing is coloured as a win */
  status: DecisionStatus;
  mode: "frequentist" | "bayesian";
}

type Point = ResultRow & {
  tone: Tone;
  y: number;
  x: number;
  err95: [number, number];
  err68: [number, number];
  lo: number;
  hi: number;
  lo68: number | null;
  hi68: number | null;
};

const TONE_LABELS: Record<Tone, string> = {
  win: "better",
  lose: "worse",
  "guardrail-fail": "guardrail failing",
  inconclusive: "inconclusive",
  unreliable: "unreliable data",
};

const ROW_HEIGHT = 34;
const CHROME_HEIGHT = 70;

export function forestHeight(rowCount: number): number {
  return CHROME_HEIGHT + Math.max(rowCount, 1) * ROW_HEIGHT;
}

function toPoints(rows: ResultRow[], display: "relative" | "absolute", status: DecisionStatus): Point[] {
  // rows whose lift cannot be computed (e.g. zero control mean) stay in the tables and leave a gap here
  return rows.flatMap((r, i) => {
    const main = display === "relative" ? r.relative : r.absolute;
    const i68 = display === "relative" ? r.relative68 : r.absolute68;
    if (main.estimate === null || main.ciLow === null || main.ciHigh === null) return [];
    const x = main.estimate;
    const has68 = i68 !== null && i68.ciLow !== null && i68.ciHigh !== null;
    return [
      {
        ...r,
        tone: toneOf(r, status),
        y: i,
        x,
        lo: main.ciLow,
        hi: main.ciHigh,
        lo68: has68 ? i68.ciLow : null,
        hi68: has68 ? i68.ciHigh : null,
        err95: [x - main.ciLow, main.ciHigh - x] as [number, number],
        err68: has68 ? ([x - (i68.ciLow as number), (i68.ciHigh as number) - x] as [number, number]) : ([0, 0] as [number, number]),
      },
    ];
  });
}

function TooltipBody({
  active,
  payload,
  level,
  correction,
  display,
  mode,
}: {
  active?: boolean;
  payload?: readonly { payload?: Point }[];
  level: string;
  correction: string;
  display: "relative" | "absolute";
  mode: "frequentist" | "bayesian";
}) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  const rel = display === "relative";
  const i68 = rel ? p.relative68 : p.absolute68;
  const kind = { statistic: p.statistic, unit: p.unit, currency: p.currency };
  const bound = (x: number | null) => (rel ? relativeLiftText(x, i68?.ciLow, i68?.ciHigh).estimate : absoluteLiftText(x, i68?.ciLow, i68?.ciHigh, kind).estimate);
  return (
    <div className="chart-tooltip">
      <strong>{p.metricName}</strong> · {p.variantName}
      <table>
        <tbody>
          <tr>
            <th scope="row">Relative lift</th>
            <td>{formatLift(p.relative.estimate, p.relative.ciLow, p.relative.ciHigh, true)}</td>
          </tr>
          <tr>
            <th scope="row">Absolute lift</th>
            <td>{formatLift(p.absolute.estimate, p.absolute.ciLow, p.absolute.ciHigh, false, kind)}</td>
          </tr>
          <tr>
            <th scope="row">68% interval</th>
            <td>
              {i68 ? `[${bound(i68.ciLow)}, ${bound(i68.ciHigh)}]` : "—"}
            </td>
          </tr>
          <tr>
            <th scope="row">{p.controlName} mean</th>
            <td>
              {formatMean(p.controlMean, p.statistic, p.unit, p.currency)} (n = {formatInteger(p.controlN)})
            </td>
          </tr>
          <tr>
            <th scope="row">{p.variantName} mean</th>
            <td>
              {formatMean(p.variantMean, p.statistic, p.unit, p.currency)} (n = {formatInteger(p.variantN)})
            </td>
          </tr>
          {mode === "frequentist" ? (
            <tr>
              <th scope="row">{pValueHeader(correction)}</th>
              <td>{formatPValue(shownPValue(p, correction))}</td>
            </tr>
          ) : (
            <tr>
              <th scope="row">Chance to win</th>
              <td>{formatPercent(p.chanceToWin, 1)}</td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="muted">
        Intervals at {level}%; {p.tone === "unreliable" ? "unreliable data" : `verdict: ${p.tone === "guardrail-fail" ? "guardrail failing" : p.verdict}`}
      </div>
    </div>
  );
}

/** Variants by shape (colours say good or bad); filled: the interval excludes zero, hollow: inconclusive. */
function Dot(props: { cx?: number; cy?: number; fill?: string; payload?: Point; shape: number }) {
  const { cx, cy, fill, payload, shape } = props;
  if (typeof cx !== "number" || typeof cy !== "number") return null;
  const solid = payload?.tone !== "inconclusive" && payload?.tone !== "unreliable";
  const style = { fill: solid ? fill : "#ffffff", stroke: fill, strokeWidth: 2.5 };
  const r = payload?.tone === "guardrail-fail" ? 7.5 : 6;
  if (shape % 3 === 1) return <rect x={cx - r} y={cy - r} width={2 * r} height={2 * r} {...style} />;
  if (shape % 3 === 2) return <polygon points={`${cx},${cy - r - 1} ${cx + r + 1},${cy} ${cx},${cy + r + 1} ${cx - r - 1},${cy}`} {...style} />;
  return <circle cx={cx} cy={cy} r={r} {...style} />;
}

/** A y-axis label cut to the room it has (no label runs under the plot). */
function Label(props: { x?: number; y?: number; payload?: { value?: number }; text: (i: number) => string; width: number }) {
  const { x = 0, y = 0, payload, text, width } = props;
  const full = text(payload?.value ?? -1);
  const fits = Math.max(4, Math.floor((width - 10) / 6.6));
  const shown = full.length > fits ? `${full.slice(0, fits - 1)}…` : full;
  return (
    <text x={x} y={y} dy={4} textAnchor="end" fontSize={12} fill="#1b1f24">
      <title>{full}</title>
      {shown}
    </text>
  );
}

/** The x range of what is drawn, always including zero (the reference line). */
function extent(points: Point[], show95: boolean, show68: boolean): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const p of points) {
    lo = Math.min(lo, p.x, show95 ? p.lo : p.x, show68 && p.lo68 !== null ? p.lo68 : p.x);
    hi = Math.max(hi, p.x, show95 ? p.hi : p.x, show68 && p.hi68 !== null ? p.hi68 : p.x);
  }
  return [lo, hi];
}

export function ForestPlot(props: ForestPlotProps) {
  const { rows, display, level, correction, title, subtitle, fileStem, treatments, multiVariant, exportPrefix, status, mode } = props;
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [show95, setShow95] = useState(true);
  const [show68, setShow68] = useState(true);

  const shownRows = useMemo(() => rows.filter((r) => !hidden.has(r.variantKey)), [rows, hidden]);
  const points = useMemo(() => toPoints(shownRows, display, status), [shownRows, display, status]);
  const [lo, hi] = extent(points, show95, show68);
  // the label column takes at most ~40% of narrow screens; ticks as many as fit without touching
  const [plotWidth, setPlotWidth] = useState(800);
  const labelWidth = Math.round(Math.min(multiVariant ? 260 : 200, Math.max(96, plotWidth * 0.4)));
  const axis = niceAxis(lo, hi, Math.max(2, Math.min(8, Math.floor((plotWidth - labelWidth - 40) / 64))));
  const height = forestHeight(shownRows.length);
  const labels = new Map(shownRows.map((r, i) => [i, multiVariant ? `${r.metricName} · ${r.variantName}` : r.metricName]));
  const presentVariants = treatments.filter((t) => rows.some((r) => r.variantKey === t.key));
  const rel = display === "relative";
  const fmtTick = (v: number) => (rel ? formatPercent(v, axis.percentDigits, true) : absoluteLiftText(v, null, null, { statistic: "mean" }).estimate);

  const variantItems: (LegendItem & { key: string })[] = presentVariants.map((t) => ({
    key: t.key,
    label: multiVariant ? `${t.name} (${["●", "■", "◆"][presentVariants.indexOf(t) % 3]})` : t.name,
    color: "#59636e",
    kind: "point",
  }));
  const tonesShown = [...new Set(points.map((p) => p.tone))];
  const toneItems: LegendItem[] = (["win", "lose", "guardrail-fail", "inconclusive", "unreliable"] as const)
    .filter((t) => tonesShown.includes(t))
    .map((t) => ({ label: TONE_LABELS[t], color: TONE_COLORS[t], kind: "point" }));
  const layerItems: LegendItem[] = [
    { label: `${level}% interval`, color: "#6e7781", kind: "line" },
    { label: "68% interval", color: "#6e7781", kind: "bar" },
  ];
  const exportLegend: LegendItem[] = [
    ...variantItems.filter((v) => !hidden.has(v.key)),
    ...toneItems,
    ...(show95 ? [layerItems[0] as LegendItem] : []),
    ...(show68 ? [layerItems[1] as LegendItem] : []),
    { label: "no change (0)", color: OKABE_ITO.black, kind: "line" },
  ];

  const toggleVariant = (key: string) =>
    setHidden((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <ChartFrame
      id="forest-plot"
      testId="forest-plot"
      title={title}
      exportTitle={`${exportPrefix}: ${title}`}
      subtitle={subtitle}
      legend={exportLegend}
      height={height}
      fileStem={fileStem}
      hasData={points.length > 0}
      empty={rows.length === 0 ? "No metric matches the filters." : "No lifts to plot (see the tables)."}
      controls={
        <div className="legend-toggles" role="group" aria-label="Show or hide series">
          {variantItems.map((item) => (
            <LegendToggle
              key={item.key}
              item={item}
              on={!hidden.has(item.key)}
              onToggle={() => toggleVariant(item.key)}
              // keep at least one variant drawn
              disabled={!hidden.has(item.key) && variantItems.filter((v) => !hidden.has(v.key)).length === 1}
            />
          ))}
          <LegendToggle item={layerItems[0] as LegendItem} on={show95} onToggle={() => setShow95((v) => !v)} />
          <LegendToggle item={layerItems[1] as LegendItem} on={show68} onToggle={() => setShow68((v) => !v)} />
          <span className="tone-legend" aria-label="Colours">
            {toneItems.map((t) => (
              <span key={t.label} className="tone-key">
                <span className="swatch point" style={{ ["--swatch" as string]: t.color }} aria-hidden="true" />
                {t.label}
              </span>
            ))}
          </span>
        </div>
      }
      caption={
        <>
          Dots: {rel ? "relative" : "absolute"} lift of each variant vs control, green when better for the metric, red when worse (a failing
          guardrail largest), grey when inconclusive{status === "unreliable" ? " or when the data cannot be trusted" : ""}; filled when the {level}% interval excludes
          zero; thin bars: {level}% interval; thick bars: 68% interval; vertical line: no change.
          {rel ? "" : " Absolute lifts are in each metric's own unit, so compare rows of the same metric."}
        </>
      }
    >
      <ResponsiveContainer
        width="100%"
        height="100%"
        initialDimension={{ width: 800, height }}
        onResize={(w) => setPlotWidth((prev) => (Math.abs(prev - w) > 8 ? w : prev))}
      >
        <ScatterChart margin={{ top: 10, right: 30, bottom: 24, left: 10 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis
            type="number"
            dataKey="x"
            name={rel ? "Relative lift" : "Absolute lift"}
            domain={axis.domain}
            ticks={axis.ticks}
            tickFormatter={fmtTick}
            interval={0}
            label={{ value: rel ? "Relative lift vs control" : "Absolute lift (variant − control)", position: "insideBottom", offset: -14 }}
          />
          <YAxis
            type="number"
            dataKey="y"
            domain={[-0.5, Math.max(shownRows.length, 1) - 0.5]}
            ticks={shownRows.map((_, i) => i)}
            tick={(t: unknown) => <Label {...(t as { x?: number; y?: number; payload?: { value?: number } })} text={(i) => labels.get(i) ?? ""} width={labelWidth} />}
            reversed
            width={labelWidth}
            interval={0}
          />
          <ReferenceLine x={0} stroke={OKABE_ITO.black} strokeWidth={1.5} />
          <Tooltip
            cursor={false}
            content={(p) => (
              <TooltipBody
                active={p.active}
                payload={p.payload as readonly { payload?: Point }[] | undefined}
                level={level}
                correction={correction}
                display={display}
                mode={mode}
              />
            )}
          />
          {presentVariants
            .filter((t) => !hidden.has(t.key))
            .flatMap((t, shape) =>
              tonesShown.map((tone) => {
                const data = points.filter((p) => p.variantKey === t.key && p.tone === tone);
                if (data.length === 0) return null;
                const color = TONE_COLORS[tone];
                return (
                  <Scatter
                    key={`${t.key}-${tone}`}
                    name={`${t.name} (${TONE_LABELS[tone]})`}
                    data={data}
                    fill={color}
                    isAnimationActive={false}
                    shape={(s: unknown) => <Dot {...(s as { cx?: number; cy?: number; payload?: Point })} fill={color} shape={shape} />}
                  >
                    {show95 ? <ErrorBar dataKey="err95" direction="x" stroke={color} strokeWidth={tone === "guardrail-fail" ? 2.5 : 1.5} width={6} /> : null}
                    {show68 ? <ErrorBar dataKey="err68" direction="x" stroke={color} strokeWidth={5} width={0} /> : null}
                  </Scatter>
                );
              }),
            )}
        </ScatterChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
