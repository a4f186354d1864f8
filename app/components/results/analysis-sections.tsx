import type { ReactNode } from "react";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import type { Decision } from "@/lib/ui/decision";
import { columnLabels, type ResultRow } from "@/lib/ui/results-view";
import { segmentContext } from "@/lib/ui/segment-view";
import { HealthSection } from "./health-section";
import { PowerPanel } from "./power-panel";
import { ResultsSections } from "./results-sections";
import { SegmentsView } from "./segments-view";

/**
 * Results, health, segments and power of one analysis: the same sections on the experiment page,
 * a past snapshot's page and the report (the report renders the page's own components).
 */
export function AnalysisSections({
  doc,
  rows,
  decision,
  display,
  resultsActions,
}: {
  doc: ResultsDocument;
  /** the rows to show (the page's filters applied) */
  rows: ResultRow[];
  decision: Pick<Decision, "status" | "power">;
  display: "relative" | "absolute";
  /** beside the Results heading (the page's export bar) */
  resultsActions?: ReactNode;
}) {
  return (
    <>
      <section aria-labelledby="results-heading" data-testid="results">
        <div className="section-head">
          <h2 id="results-heading">Results</h2>
          {resultsActions}
        </div>
        <ResultsSections doc={doc} rows={rows} decision={decision} display={display} />
      </section>
      <section aria-labelledby="health-heading" data-testid="health">
        <h2 id="health-heading">Health</h2>
        <HealthSection doc={doc} />
      </section>
      <section aria-labelledby="segments-heading">
        <h2 id="segments-heading">Segments</h2>
        <SegmentsView context={segmentContext(doc)} tables={doc.segmentTables} labels={columnLabels(doc.view)} status={decision.status} display={display} />
      </section>
      <section aria-labelledby="power-heading">
        <h2 id="power-heading">Power</h2>
        <PowerPanel power={decision.power} />
      </section>
    </>
  );
}
