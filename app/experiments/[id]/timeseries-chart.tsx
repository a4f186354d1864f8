"use client";

import { useId, useMemo, useState } from "react";
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { PARAM_KEYS } from "@/lib/ui/view-params";
import { formatInteger, formatPercent } from "@/lib/format";
import { timeseriesCsv, type LegendItem } from "@/lib/ui/export";
import { OKABE_ITO, seriesColor } from "@/lib/ui/palette";
import type { TimeseriesPoint, TimeseriesSet } from "@/lib/ui/results-view";
import { niceAxis, type NiceAxis } from "@/lib/ui/ticks";
import { ChartFrame, LegendToggle } from "@/app/components/chart-frame";

export const TIMESERIES_HEIGHT = 320;

export interface TimeseriesChartProps {
  experimentId: string;
  /** the slice the time series covers (the CSV's segment column) */
  segment: string;
  subtitle?: string;
  sets: TimeseriesSet[];
  metrics: { key: string; name: string }[];
  treatments: { key: string; name: string; index: number }[];
  initialAxis: "exposure" | "calendar";
  initialMetric: string | null;
  level: string;
  fileStem: string;
  /** prefix of the exported title, e.g. the experiment's name */
  exportPrefix: string;
}

type Row = { x: number | string } & Record<string, unknown>;

/** Keeps the picker in the URL without a server round trip (Next syncs useSearchParams with it). */
function replaceParam(key: string, value: string | null) {
  const sp = new URLSearchParams(window.location.search);
  if (value === null) sp.delete(key);
  else sp.set(key, value);
  const q = sp.toString();
  window.history.replaceState(window.history.state, "", `${window.location.pathname}${q ? `?${q}` : ""}`);
}

/**
 * The y range of the days with at least a tenth of the final users (and zero): the first days'
 * intervals are huge and would flatten everything else; they are clipped at the plot's edge.
 */
function steadyAxis(points: TimeseriesPoint[], keys: string[], band: boolean): NiceAxis | null {
  const shown = points.filter((p) => keys.includes(p.variant));
  const maxUsers = Math.max(0, ...shown.map((p) => p.users));
  let lo = 0;
  let hi = 0;
  let any = false;
  for (const p of shown) {
    if (p.users < maxUsers * 0.1) continue;
    for (const v of band ? [p.estimate, p.ciLow, p.ciHigh] : [p.estimate]) {
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      any = true;
    }
  }
  return any ? niceAxis(lo, hi, 6) : null;
}

function byX(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

function TooltipBody({
  active,
  payload,
  label,
  axis,
  series,
}: {
  active?: boolean;
  payload?: readonly { payload?: Row }[];
  label?: unknown;
  axis: "exposure" | "calendar";
  series: { key: string; name: string; slot: number; color: string }[];
}) {
  const row = active ? payload?.[0]?.payload : undefined;
  if (!row) return null;
  return (
    <div className="chart-tooltip">
      <strong>{axis === "exposure" ? `Day ${String(label)} since exposure` : String(label)}</strong>
      <table>
        <tbody>
          {series.map((s) => {
            const p = row[`p${s.slot}`] as TimeseriesPoint | undefined;
            if (!p) return null;
            return (
              <tr key={s.key}>
                <th scope="row" style={{ color: s.color }}>
                  {s.name}
                </th>
                <td>
                  {formatPercent(p.estimate, 1, true)} [{formatPercent(p.ciLow, 1, true)}, {formatPercent(p.ciHigh, 1, true)}] · n ={" "}
                  {formatInteger(p.users)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function TimeseriesChart(props: TimeseriesChartProps) {
  const { sets, metrics, treatments, level, experimentId, segment, fileStem, exportPrefix } = props;
  const pickerId = useId();
  const available = useMemo(() => new Set(sets.flatMap((s) => s.points.map((p) => p.metric))), [sets]);
  const metricChoices = metrics.filter((m) => available.has(m.key));
  const [axis, setAxis] = useState<"exposure" | "calendar">(props.initialAxis);
  const [metric, setMetric] = useState<string | null>(props.initialMetric);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [showBand, setShowBand] = useState(true);

  const metricKey = metricChoices.some((m) => m.key === metric) ? (metric as string) : (metricChoices[0]?.key ?? null);
  const metricName = metrics.find((m) => m.key === metricKey)?.name ?? metricKey ?? "";
  const set = sets.find((s) => s.mode === axis);
  const points = useMemo(
    () => (set && metricKey ? set.points.filter((p) => p.metric === metricKey && treatments.some((t) => t.key === p.variant)) : []),
    [set, metricKey, treatments],
  );
  const series = useMemo(
    () =>
      treatments
        .filter((t) => points.some((p) => p.variant === t.key))
        .map((t, slot) => ({ key: t.key, name: t.name, slot, color: seriesColor(t.index) })),
    [treatments, points],
  );
  const data = useMemo(() => {
    const rows = new Map<string, Row>();
    for (const p of points) {
      const s = series.find((x) => x.key === p.variant);
      if (!s) continue;
      const id = String(p.x);
      const row = rows.get(id) ?? { x: p.x };
      row[`e${s.slot}`] = p.estimate;
      row[`b${s.slot}`] = p.ciLow !== null && p.ciHigh !== null ? [p.ciLow, p.ciHigh] : null;
      row[`p${s.slot}`] = p;
      rows.set(id, row);
    }
    return [...rows.values()].sort((a, b) => byX(a.x, b.x));
  }, [points, series]);

  const visible = series.filter((s) => !hidden.has(s.key));
  const yAxis = useMemo(() => steadyAxis(points, visible.map((s) => s.key), showBand), [points, visible, showBand]);
  const legend: LegendItem[] = [
    ...visible.map((s): LegendItem => ({ label: `${s.name} (cumulative lift)`, color: s.color, kind: "line" })),
    ...(showBand ? visible.map((s): LegendItem => ({ label: `${s.name} ${level}% interval`, color: s.color, kind: "band" })) : []),
    { label: "no change (0)", color: OKABE_ITO.black, kind: "line" },
  ];
  const title = `${metricName ? `${metricName}: ` : ""}cumulative relative lift by ${axis === "exposure" ? "day since exposure" : "calendar day"}`;
  const metricNames = new Map(metrics.map((m) => [m.key, m.name]));
  const variantNames = new Map(treatments.map((t) => [t.key, t.name]));

  const chooseAxis = (a: "exposure" | "calendar") => {
    setAxis(a);
    replaceParam(PARAM_KEYS.timeseries, a === "exposure" ? null : a);
  };
  const chooseMetric = (m: string) => {
    setMetric(m);
    replaceParam(PARAM_KEYS.tsMetric, m);
  };

  const empty =
    sets.length === 0
      ? "The time series is not available for this snapshot. Run a new analysis to compute it."
      : metricChoices.length === 0
        ? "No metric with a time series matches the filters."
        : "No data for this metric on this axis.";

  return (
    <ChartFrame
      id="timeseries-chart"
      testId="timeseries-chart"
      title={title}
      exportTitle={`${exportPrefix}: ${title}`}
      subtitle={props.subtitle}
      legend={legend}
      height={TIMESERIES_HEIGHT}
      fileStem={`${fileStem}-${metricKey ?? "timeseries"}-${axis}`}
      hasData={data.length > 0}
      empty={empty}
      csv={() =>
        timeseriesCsv(
          points.filter((p) => !hidden.has(p.variant)),
          { experimentId, segment, axis, metricNames, variantNames },
        )
      }
      controls={
        <div className="chart-controls">
          <label htmlFor={`${pickerId}-metric`}>
            Metric{" "}
            <select
              id={`${pickerId}-metric`}
              value={metricKey ?? ""}
              onChange={(e) => chooseMetric(e.target.value)}
              disabled={metricChoices.length === 0}
            >
              {metricChoices.length === 0 ? <option value="">—</option> : null}
              {metricChoices.map((m) => (
                <option key={m.key} value={m.key}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="segmented">
            <legend>Time axis</legend>
            {(["exposure", "calendar"] as const).map((a) => (
              <label key={a}>
                <input type="radio" name={`${pickerId}-axis`} value={a} checked={axis === a} onChange={() => chooseAxis(a)} />
                {a === "exposure" ? "Days since exposure" : "Calendar day"}
              </label>
            ))}
          </fieldset>
          <div className="legend-toggles" role="group" aria-label="Show or hide series">
            {series.map((s) => (
              <LegendToggle
                key={s.key}
                item={{ label: s.name, color: s.color, kind: "line" }}
                on={!hidden.has(s.key)}
                disabled={!hidden.has(s.key) && visible.length === 1}
                onToggle={() =>
                  setHidden((prev) => {
                    const next = new Set(prev);
                    if (next.has(s.key)) next.delete(s.key);
                    else next.add(s.key);
                    return next;
                  })
                }
              />
            ))}
            <LegendToggle
              item={{ label: `${level}% interval band`, color: "#6e7781", kind: "band" }}
              on={showBand}
              onToggle={() => setShowBand((v) => !v)}
            />
          </div>
        </div>
      }
      caption={
        <>
          Cumulative relative lift of each variant vs control with its {level}% interval, from the users exposed up to each
          day. Early days are noisy (the axis covers the days with at least a tenth of the final users; wider intervals are
          cut at the edge). The daily lifts use neither CUPED nor capping.
        </>
      }
    >
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 800, height: TIMESERIES_HEIGHT }}>
        <ComposedChart data={data} margin={{ top: 10, right: 30, bottom: 24, left: 10 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="x"
            type="category"
            label={{ value: axis === "exposure" ? "Days since first exposure" : "Calendar day", position: "insideBottom", offset: -14 }}
            minTickGap={12}
          />
          <YAxis
            tickFormatter={(v: number) => formatPercent(v, yAxis?.percentDigits ?? 1, true)}
            width={70}
            domain={yAxis?.domain ?? ["auto", "auto"]}
            ticks={yAxis?.ticks}
            allowDataOverflow={yAxis !== null}
            interval={0}
          />
          <ReferenceLine y={0} stroke={OKABE_ITO.black} strokeWidth={1.5} />
          <Tooltip content={(p) => <TooltipBody active={p.active} payload={p.payload as readonly { payload?: Row }[] | undefined} label={p.label} axis={axis} series={visible} />} />
          {showBand
            ? visible.map((s) => (
                <Area
                  key={`band-${s.key}`}
                  dataKey={`b${s.slot}`}
                  name={`${s.name} ${level}% interval`}
                  stroke="none"
                  fill={s.color}
                  fillOpacity={0.18}
                  isAnimationActive={false}
                  connectNulls
                  activeDot={false}
                />
              ))
            : null}
          {visible.map((s) => (
            <Line
              key={`line-${s.key}`}
              dataKey={`e${s.slot}`}
              name={s.name}
              stroke={s.color}
              strokeWidth={2.5}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
