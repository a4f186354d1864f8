"use client";

import { useState, type ReactNode } from "react";
import { type LegendItem, slug } from "@/lib/ui/export";
import { downloadBlob, downloadText, standaloneSvgFrom, svgToPng } from "@/lib/ui/download";
import { useRegisterChart } from "./export-registry";

export interface ChartFrameProps {
  /** DOM id of the figure (also the export registry key) */
  id: string;
  title: string;
  /** title of the exported files (defaults to `title`), e.g. with the experiment's name */
  exportTitle?: string;
  subtitle?: string;
  /** legend of what is currently drawn (also drawn into the exports) */
  legend: LegendItem[];
  /** reserved plot height in CSS pixels (no layout shift while the chart mounts) */
  height: number;
  /** file name stem, e.g. "checkout-redesign-forest-plot" */
  fileStem: string;
  /** CSV of the chart's data, when it has one */
  csv?: () => string;
  testId?: string;
  /** legend toggles and pickers shown above the plot */
  controls?: ReactNode;
  caption?: ReactNode;
  /** when false, the plot area shows `empty` and there is nothing to export */
  hasData?: boolean;
  empty?: ReactNode;
  children: ReactNode;
}

function chartSvg(id: string): SVGSVGElement | null {
  return document.getElementById(id)?.querySelector<SVGSVGElement>(".chart-plot svg.recharts-surface") ?? null;
}

export function ChartFrame(props: ChartFrameProps) {
  const { id, title, exportTitle, subtitle, legend, height, fileStem, csv, testId, controls, caption, children } = props;
  const hasData = props.hasData ?? true;
  const [error, setError] = useState<string | null>(null);

  const toSvg = () => {
    const el = chartSvg(id);
    return el ? standaloneSvgFrom(el, { title: exportTitle ?? title, subtitle, legend }) : null;
  };
  useRegisterChart({ id, title: exportTitle ?? title, toSvg });

  async function exportAs(format: "png" | "svg" | "csv") {
    setError(null);
    try {
      if (format === "csv") {
        if (csv) downloadText(csv(), `${slug(fileStem)}.csv`, "text/csv;charset=utf-8");
        return;
      }
      const out = toSvg();
      if (!out) throw new Error("the chart is not drawn yet");
      if (format === "svg") {
        downloadText(`<?xml version="1.0" encoding="UTF-8"?>\n${out.svg}`, `${slug(fileStem)}.svg`, "image/svg+xml;charset=utf-8");
      } else {
        downloadBlob(await svgToPng(out.svg, out.width, out.height, 2), `${slug(fileStem)}.png`);
      }
    } catch (err) {
      setError(`Export failed: ${err instanceof Error ? err.message : "unknown error"}`);
    }
  }

  return (
    <figure className="chart" id={id} data-chart-id={id} data-testid={testId} aria-labelledby={`${id}-title`}>
      <div className="chart-head">
        <div>
          <h3 id={`${id}-title`} className="chart-title">
            {title}
          </h3>
          {subtitle ? <p className="muted chart-subtitle">{subtitle}</p> : null}
        </div>
        <div className="toolbar exports" role="group" aria-label={`Download “${title}”`}>
          <button type="button" onClick={() => exportAs("png")} disabled={!hasData} title="PNG image, 2× pixel density">
            PNG
          </button>
          <button type="button" onClick={() => exportAs("svg")} disabled={!hasData} title="Standalone SVG">
            SVG
          </button>
          {csv ? (
            <button type="button" onClick={() => exportAs("csv")} disabled={!hasData} title="The chart's data as CSV">
              CSV
            </button>
          ) : null}
        </div>
      </div>
      {controls}
      {/* fixed height: no layout shift while the chart mounts; narrow screens scroll it sideways */}
      <div className="chart-plot" style={{ height }}>
        {hasData ? (
          <div className="chart-canvas">{children}</div>
        ) : (
          <div className="chart-empty muted">{props.empty ?? "Nothing to plot."}</div>
        )}
      </div>
      {caption ? <figcaption className="muted">{caption}</figcaption> : null}
      {error ? (
        <p role="alert" className="error-text">
          {error}
        </p>
      ) : null}
    </figure>
  );
}

/** A legend entry that toggles a series or layer (a real button: keyboard and screen readers). */
export function LegendToggle({
  item,
  on,
  onToggle,
  disabled,
}: {
  item: LegendItem;
  on: boolean;
  onToggle: () => void;
  disabled?: boolean;
}) {
  return (
    <button type="button" className="legend-toggle" aria-pressed={on} onClick={onToggle} disabled={disabled}>
      <span className={`swatch ${item.kind}`} style={{ ["--swatch" as string]: item.color }} aria-hidden="true" />
      {item.label}
    </button>
  );
}
