import type { ResultsDocument } from "@/lib/analysis/results-document";
import type { Decision } from "@/lib/ui/decision";
import { barScales, columnLabels, ROLE_ORDER, type ResultRow } from "@/lib/ui/results-view";
import { ResultsTable } from "./results-table";

/** One aligned table per role (primary, secondary, guardrail): the same columns, the same bar scale. */
export function ResultsSections({
  doc,
  rows,
  decision,
  display,
}: {
  doc: ResultsDocument;
  /** the rows to show (the page's filters applied) */
  rows: ResultRow[];
  decision: Pick<Decision, "status">;
  display: "relative" | "absolute";
}) {
  const labels = columnLabels(doc.view);
  const scale = barScales(rows, display);
  return (
    <>
      <p className="muted small verdict-rule" data-testid="verdict-rule">
        {labels.verdictRule}
        {display === "relative" ? " Bars: relative lift with its interval, on one scale for every table; the dot is the estimate, the line at zero is no change." : " Bars: absolute lift with its interval, each metric on its own scale (its own unit)."}
      </p>
      {rows.length === 0 ? (
        <p className="muted" data-testid="no-rows">
          No metric matches the filters.
        </p>
      ) : null}
      {ROLE_ORDER.map(({ role, title }) => {
        const mine = rows.filter((r) => r.role === role);
        if (mine.length === 0) return null;
        return (
          <section key={role} className={`role-section ${role}`} aria-labelledby={`role-${role}`}>
            <h3 id={`role-${role}`}>{title}</h3>
            <ResultsTable
              rows={mine}
              labels={labels}
              display={display}
              scale={scale}
              status={decision.status}
              correction={doc.view.mode === "bayesian" ? "none" : doc.view.correction}
              caption={title}
              testId={`results-${role}`}
            />
          </section>
        );
      })}
    </>
  );
}
