"use client";

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
import { formatInteger, formatMean, formatPercent, formatPLabel } from "@/lib/format";

export interface ForestRow {
  label: string;
  metric: string;
  variant: string;
  estimate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  ci68Low: number | null;
  ci68High: number | null;
  pValue: number | null;
  controlMean: number | null;
  variantMean: number | null;
  n: number;
  statistic: "mean" | "proportion";
}

type Point = ForestRow & { y: number; x: number; err95: [number, number]; err68: [number, number] };

const COLORS = { point: "#0072b2", ci95: "#56b4e9", ci68: "#0072b2", zero: "#1b1f24" };

function toPoints(rows: ForestRow[]): Point[] {
  // Rows whose lift cannot be computed (e.g. zero control mean) are listed in the tables, not plotted.
  return rows.flatMap((r, i) => {
    if (r.estimate === null || r.ciLow === null || r.ciHigh === null) return [];
    const x = r.estimate * 100;
    const e68: [number, number] =
      r.ci68Low !== null && r.ci68High !== null ? [x - r.ci68Low * 100, r.ci68High * 100 - x] : [0, 0];
    return [{ ...r, y: i, x, err95: [x - r.ciLow * 100, r.ciHigh * 100 - x], err68: e68 }];
  });
}

function TooltipBody({ active, payload }: { active?: boolean; payload?: { payload: Point }[] }) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <div className="panel" style={{ background: "#fff", margin: 0, padding: 10 }}>
      <strong>{p.metric}</strong> · {p.variant}
      <div>
        Lift {formatPercent(p.estimate, 2, true)} [{formatPercent(p.ciLow, 2, true)}, {formatPercent(p.ciHigh, 2, true)}]
      </div>
      <div>
        Control {formatMean(p.controlMean, p.statistic)} → {formatMean(p.variantMean, p.statistic)}
      </div>
      <div>
        n = {formatInteger(p.n)} · {formatPLabel(p.pValue)}
      </div>
    </div>
  );
}

export function ForestPlot({ rows, title }: { rows: ForestRow[]; title: string }) {
  const points = toPoints(rows);
  if (points.length === 0) return <p className="muted">No lifts to plot.</p>;
  const height = 60 + rows.length * 36;
  const labels = new Map(rows.map((r, i) => [i, r.label]));
  return (
    <figure className="chart-box" data-testid="forest-plot" aria-label={title} style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height={height}>
        <ScatterChart margin={{ top: 10, right: 30, bottom: 20, left: 10 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis
            type="number"
            dataKey="x"
            name="Relative lift"
            unit="%"
            domain={["auto", "auto"]}
            tickFormatter={(v: number) => `${v.toFixed(1)}`}
            label={{ value: "Relative lift vs control (%)", position: "insideBottom", offset: -10 }}
          />
          <YAxis
            type="number"
            dataKey="y"
            domain={[-0.5, rows.length - 0.5]}
            ticks={rows.map((_, i) => i)}
            tickFormatter={(i: number) => labels.get(i) ?? ""}
            reversed
            width={220}
            interval={0}
          />
          <ReferenceLine x={0} stroke={COLORS.zero} strokeWidth={1.5} />
          <Tooltip content={<TooltipBody />} cursor={false} />
          <Scatter data={points} fill={COLORS.point} isAnimationActive={false} name="Relative lift">
            <ErrorBar dataKey="err95" direction="x" stroke={COLORS.ci95} strokeWidth={2} width={6} />
            <ErrorBar dataKey="err68" direction="x" stroke={COLORS.ci68} strokeWidth={5} width={0} />
          </Scatter>
        </ScatterChart>
      </ResponsiveContainer>
      <figcaption className="muted">
        Dots: relative lift; thin bars: confidence interval; thick bars: 68% interval; vertical line: no change.
      </figcaption>
    </figure>
  );
}
