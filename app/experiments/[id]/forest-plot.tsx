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
import { formatInteger, formatLift, formatMean, formatNumber, formatPercent, formatPValue, formatSigned } from "@/lib/format";
import type { LegendItem } from "@/lib/ui/export";
import { OKABE_ITO, seriesColor } from "@/lib/ui/palette";
import { niceAxis } from "@/lib/ui/ticks";
import { pValueHeader, shownPValue, type ResultRow } from "@/lib/ui/results-view";
import { ChartFrame, LegendToggle } from "@/app/components/chart-frame";

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
}

type Point = ResultRow & {
  y: number;
  x: number;
  err95: [number, number];
  err68: [number, number];
  lo: number;
  hi: number;
  lo68: number | null;
  hi68: number | null;
};

const ROW_HEIGHT = 34;
const CHROME_HEIGHT = 70;

export function forestHeight(rowCount: number): number {
  return CHROME_HEIGHT + Math.max(rowCount, 1) * ROW_HEIGHT;
}

function toPoints(rows: ResultRow[], display: "relative" | "absolute"): Point[] {
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
}: {
  active?: boolean;
  payload?: readonly { payload?: Point }[];
  level: string;
  correction: string;
  display: "relative" | "absolute";
}) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  const rel = display === "relative";
  const i68 = rel ? p.relative68 : p.absolute68;
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
            <td>{formatLift(p.absolute.estimate, p.absolute.ciLow, p.absolute.ciHigh, false)}</td>
          </tr>
          <tr>
            <th scope="row">68% interval</th>
            <td>
              {i68 ? `[${rel ? formatPercent(i68.ciLow, 1, true) : formatSigned(i68.ciLow)}, ${rel ? formatPercent(i68.ciHigh, 1, true) : formatSigned(i68.ciHigh)}]` : "—"}
            </td>
          </tr>
          <tr>
            <th scope="row">{p.controlName} mean</th>
            <td>
              {formatMean(p.controlMean, p.statistic, p.unit)} (n = {formatInteger(p.controlN)})
            </td>
          </tr>
          <tr>
            <th scope="row">{p.variantName} mean</th>
            <td>
              {formatMean(p.variantMean, p.statistic, p.unit)} (n = {formatInteger(p.variantN)})
            </td>
          </tr>
          <tr>
            <th scope="row">{pValueHeader(correction)}</th>
            <td>{formatPValue(shownPValue(p, correction))}</td>
          </tr>
          <tr>
            <th scope="row">Chance to win</th>
            <td>{formatPercent(p.chanceToWin, 1)}</td>
          </tr>
        </tbody>
      </table>
      <div className="muted">
        Intervals at {level}%; verdict: {p.verdict}
      </div>
    </div>
  );
}

/** Filled dot: the interval excludes zero (a win or a loss); hollow: inconclusive. */
function Dot(props: { cx?: number; cy?: number; fill?: string; payload?: Point }) {
  const { cx, cy, fill, payload } = props;
  if (typeof cx !== "number" || typeof cy !== "number") return null;
  const solid = payload?.verdict !== "inconclusive";
  return <circle cx={cx} cy={cy} r={6} fill={solid ? fill : "#ffffff"} stroke={fill} strokeWidth={2.5} />;
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
  const { rows, display, level, correction, title, subtitle, fileStem, treatments, multiVariant, exportPrefix } = props;
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [show95, setShow95] = useState(true);
  const [show68, setShow68] = useState(true);

  const shownRows = useMemo(() => rows.filter((r) => !hidden.has(r.variantKey)), [rows, hidden]);
  const points = useMemo(() => toPoints(shownRows, display), [shownRows, display]);
  const [lo, hi] = extent(points, show95, show68);
  const axis = niceAxis(lo, hi, 8);
  // the label column takes at most ~40% of narrow screens
  const [plotWidth, setPlotWidth] = useState(800);
  const labelWidth = Math.round(Math.min(multiVariant ? 260 : 200, Math.max(96, plotWidth * 0.4)));
  const height = forestHeight(shownRows.length);
  const labels = new Map(shownRows.map((r, i) => [i, multiVariant ? `${r.metricName} · ${r.variantName}` : r.metricName]));
  const presentVariants = treatments.filter((t) => rows.some((r) => r.variantKey === t.key));
  const rel = display === "relative";
  const fmtTick = (v: number) => (rel ? formatPercent(v, axis.percentDigits, true) : formatNumber(v, 4));

  const variantItems: (LegendItem & { key: string })[] = presentVariants.map((t) => ({
    key: t.key,
    label: t.name,
    color: seriesColor(t.index),
    kind: "point",
  }));
  const layerItems: LegendItem[] = [
    { label: `${level}% interval`, color: "#6e7781", kind: "line" },
    { label: "68% interval", color: "#6e7781", kind: "bar" },
  ];
  const exportLegend: LegendItem[] = [
    ...variantItems.filter((v) => !hidden.has(v.key)),
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
        </div>
      }
      caption={
        <>
          Dots: {rel ? "relative" : "absolute"} lift of each variant vs control (filled when the {level}% interval excludes
          zero); thin bars: {level}% interval; thick bars: 68% interval; vertical line: no change.
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
            tickFormatter={(i: number) => labels.get(i) ?? ""}
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
              />
            )}
          />
          {presentVariants
            .filter((t) => !hidden.has(t.key))
            .map((t) => (
              <Scatter
                key={t.key}
                name={t.name}
                data={points.filter((p) => p.variantKey === t.key)}
                fill={seriesColor(t.index)}
                isAnimationActive={false}
                shape={(s: unknown) => <Dot {...(s as { cx?: number; cy?: number; payload?: Point })} fill={seriesColor(t.index)} />}
              >
                {show95 ? <ErrorBar dataKey="err95" direction="x" stroke={seriesColor(t.index)} strokeWidth={1.5} width={6} /> : null}
                {show68 ? <ErrorBar dataKey="err68" direction="x" stroke={seriesColor(t.index)} strokeWidth={5} width={0} /> : null}
              </Scatter>
            ))}
        </ScatterChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
