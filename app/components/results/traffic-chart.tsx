"use client";

import { useEffect, useRef, useState } from "react";
import { formatInteger } from "@/lib/format";
import { niceAxis } from "@/lib/ui/ticks";

export interface TrafficSeries {
  key: string;
  name: string;
  color: string;
}

export interface TrafficChartProps {
  title: string;
  days: { date: string; values: Record<string, number> }[];
  series: TrafficSeries[];
  testId?: string;
}

const HEIGHT = 190;
const MARGIN = { top: 10, right: 12, bottom: 26, left: 52 };
/** room for one x label ("10-28"), so labels never collide */
const X_LABEL_SPACING = 56;

/** Width of the element, followed as it resizes (the server renders at `initial`). */
function useWidth<T extends HTMLElement>(initial: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth((w) => (Math.abs(w - el.clientWidth) > 1 ? el.clientWidth : w));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, width };
}

/**
 * Users per day and variant as lines, drawn at the box's own width: labels keep their size, and
 * there are as many date labels as fit. Plain SVG, so the report carries it as is.
 */
export function TrafficChart({ title, days, series, testId }: TrafficChartProps) {
  const { ref, width } = useWidth<HTMLDivElement>(560);
  const w = Math.max(240, width);
  const plotW = w - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(1, ...days.flatMap((d) => series.map((s) => d.values[s.key] ?? 0)));
  const axis = niceAxis(0, max, 4);
  const top = axis.domain[1];
  const x = (i: number) => MARGIN.left + (days.length <= 1 ? plotW / 2 : (i / (days.length - 1)) * plotW);
  const y = (v: number) => MARGIN.top + plotH - (v / top) * plotH;
  const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor(plotW / X_LABEL_SPACING))));
  const labelled = days.map((_, i) => i).filter((i) => i % every === 0);
  return (
    <figure className="traffic-chart" data-testid={testId}>
      <figcaption className="chart-title small">{title}</figcaption>
      <div ref={ref} className="traffic-plot">
        <svg width={w} height={HEIGHT} viewBox={`0 0 ${w} ${HEIGHT}`} role="img" aria-label={title}>
          {axis.ticks.map((t) => (
            <g key={t}>
              <line className="grid" x1={MARGIN.left} x2={w - MARGIN.right} y1={y(t)} y2={y(t)} />
              <text className="tick" x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end">
                {formatInteger(t)}
              </text>
            </g>
          ))}
          {labelled.map((i) => (
            <text key={i} className="tick" x={x(i)} y={HEIGHT - 8} textAnchor={i === 0 ? "start" : i === days.length - 1 ? "end" : "middle"}>
              {days[i]!.date.slice(5)}
            </text>
          ))}
          {series.map((s) => (
            <polyline
              key={s.key}
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              points={days.map((d, i) => `${x(i).toFixed(1)},${y(d.values[s.key] ?? 0).toFixed(1)}`).join(" ")}
            />
          ))}
        </svg>
      </div>
      <ul className="chart-legend small">
        {series.map((s) => (
          <li key={s.key}>
            <span className="swatch line" style={{ ["--swatch" as string]: s.color }} aria-hidden="true" />
            {s.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}
