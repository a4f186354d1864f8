"use client";

import { useState } from "react";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import { resultsCsv, slug } from "@/lib/ui/export";
import { downloadText, fetchStandaloneReport } from "@/lib/ui/download";
import type { ResultRow } from "@/lib/ui/results-view";

/** CSV of the results table, and the one-file HTML report (the report page, rendered by the server from the page's components). */
export function ExportBar({ doc, rows, segment, reportPath }: { doc: ResultsDocument; rows: ResultRow[]; segment: string; reportPath: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
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

  async function report() {
    setError(null);
    setBusy(true);
    try {
      downloadText(await fetchStandaloneReport(reportPath), `${stem}-report.html`, "text/html;charset=utf-8");
    } catch (err) {
      setError(`The report could not be built: ${err instanceof Error ? err.message : "unknown error"}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="toolbar exports" role="group" aria-label="Download the results" data-testid="results-exports">
      <span className="muted">Download:</span>
      <button type="button" onClick={csv} disabled={!doc.snapshot} title="The results table: one line per metric and variant">
        CSV
      </button>
      <button type="button" onClick={report} disabled={!doc.snapshot || busy} aria-busy={busy} title="One HTML file: decision, health and every table">
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
