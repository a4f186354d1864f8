"use client";

import { useState } from "react";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import { buildReportHtml, resultsCsv, slug } from "@/lib/ui/export";
import { downloadText } from "@/lib/ui/download";
import type { ResultRow } from "@/lib/ui/results-view";
import { useExportRegistry } from "@/app/components/export-registry";

/** CSV of the results table and the one-file HTML report (charts inlined as SVG, every table). */
export function ExportBar({
  doc,
  rows,
  mode,
  segment,
  segmentLabel,
}: {
  doc: ResultsDocument;
  rows: ResultRow[];
  mode: "frequentist" | "bayesian";
  segment: string;
  segmentLabel: string;
}) {
  const registry = useExportRegistry();
  const [error, setError] = useState<string | null>(null);
  const stem = slug(`${doc.experiment.id}${segment !== "all" ? `-${segment}` : ""}`);

  function csv() {
    setError(null);
    downloadText(
      resultsCsv(rows, {
        experimentId: doc.experiment.id,
        segment,
        alpha: doc.view.alpha,
        correction: doc.view.correction,
        sequential: doc.view.sequential,
        cuped: doc.view.cuped,
      }),
      `${stem}-results.csv`,
      "text/csv;charset=utf-8",
    );
  }

  function report() {
    setError(null);
    try {
      const charts = (registry?.charts() ?? []).flatMap((c) => {
        const out = c.toSvg();
        return out ? [{ title: c.title, svg: out.svg }] : [];
      });
      const html = buildReportHtml({
        doc,
        rows,
        mode,
        segmentLabel,
        charts,
        generatedAt: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
        url: window.location.href,
      });
      downloadText(html, `${stem}-report.html`, "text/html;charset=utf-8");
    } catch (err) {
      setError(`The report could not be built: ${err instanceof Error ? err.message : "unknown error"}`);
    }
  }

  return (
    <div className="toolbar exports" role="group" aria-label="Download the results" data-testid="results-exports">
      <span className="muted">Download:</span>
      <button type="button" onClick={csv} disabled={!doc.snapshot} title="The results table: one line per metric and variant">
        CSV
      </button>
      <button type="button" onClick={report} disabled={!doc.snapshot} title="One HTML file with every chart and table">
        Report (HTML)
      </button>
      {error ? (
        <span role="alert" className="error-text">
          {error}
        </span>
      ) : null}
    </div>
  );
}
