import { routeParam } from "@/app/route-param";
import { notFound } from "next/navigation";
import { getExperiment } from "@/lib/analysis/experiments";
import { mayRead, requirePageRole } from "@/lib/auth/page-access";
import { decisionsOf } from "@/lib/analysis/store";
import { loadResultsDocument } from "@/lib/analysis/results-document";
import { bytesText } from "@/lib/ui/export";
import { formatDuration, formatInteger, plainNumbers } from "@/lib/format";
import { CORRECTION_LABELS, columnLabels, visibleRows } from "@/lib/ui/results-view";
import { decide } from "@/lib/ui/decision";
import { DECISION_LABELS } from "@/lib/ui/decision-form";
import { displayFromParams, viewFromParams } from "@/lib/ui/view-params";
import { LocalTime } from "@/app/components/local-time";
import { DateRange } from "@/app/components/date-range";
import { DecisionCard } from "@/app/components/results/decision-card";
import { AnalysisSections } from "@/app/components/results/analysis-sections";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props) {
  const { id } = await params;
  const exp = (await mayRead()) ? await getExperiment(routeParam(id)) : null;
  return { title: exp ? `${exp.name} · experiment report` : "Not found" };
}

/**
 * The report: the dashboard's own components (decision, results tables, health, segments, power)
 * without its controls, for the view in the URL. "Report (HTML)" saves this page as one file with
 * its styles inlined; it prints as it reads.
 */
export default async function ReportPage({ params, searchParams }: Props) {
  const { id } = await params;
  await requirePageRole("viewer", `/experiments/${id}/report`);
  const exp = await getExperiment(routeParam(id));
  if (!exp) notFound();
  const sp = await searchParams;
  const view = viewFromParams(sp);
  const display = displayFromParams(sp);
  const [doc, decisions] = await Promise.all([loadResultsDocument(exp, view, display.segment), decisionsOf(exp.id, 1)]);
  const decision = decide(doc);
  const labels = columnLabels(doc.view);
  const e = doc.experiment;
  const recorded = decisions[0];
  const variantName = new Map(e.variants.map((v) => [v.key, v.name]));
  const viewText = [
    labels.interval,
    doc.view.mode === "bayesian" ? "Bayesian" : `correction: ${CORRECTION_LABELS[doc.view.correction] ?? doc.view.correction}`,
    doc.view.mode === "bayesian" ? null : `sequential: ${doc.view.sequential ? "on" : "off"}`,
    `CUPED: ${doc.view.cuped ? "on" : "off"}`,
    doc.segment === "all" ? "all users" : `segment ${doc.segment}`,
  ]
    .filter(Boolean)
    .join(" · ");
  return (
    <article className="dashboard report-page" data-testid="report">
      <h1>{e.name}</h1>
      {e.hypothesis ? <p className="hypothesis">{e.hypothesis}</p> : null}
      <dl className="facts">
        <div>
          <dt>Experiment</dt>
          <dd>{e.id}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{e.owner || "—"}</dd>
        </div>
        <div>
          <dt>Dates</dt>
          <dd><DateRange start={e.startDate} end={e.endDate} /></dd>
        </div>
        <div>
          <dt>Users</dt>
          <dd>{doc.users.map((u) => `${u.name}: ${formatInteger(u.users)}`).join(" · ") || "—"}</dd>
        </div>
        <div>
          <dt>Analysis</dt>
          <dd>
            {doc.snapshot ? (
              <>
                snapshot #{doc.snapshot.number ?? doc.snapshot.id}, <LocalTime iso={doc.snapshot.finishedAt ?? doc.snapshot.startedAt} />,{" "}
                {formatDuration(doc.snapshot.durationMs)}, {bytesText(doc.snapshot.bytesProcessed)} ({doc.snapshot.warehouse})
              </>
            ) : (
              "never"
            )}
          </dd>
        </div>
        <div>
          <dt>View</dt>
          <dd>{viewText}</dd>
        </div>
      </dl>
      <DecisionCard decision={decision} />
      <p data-testid="recorded-decision">
        {recorded ? (
          <>
            Team decision: <strong>{DECISION_LABELS[recorded.decision as keyof typeof DECISION_LABELS] ?? recorded.decision}{recorded.variant ? ` ${variantName.get(recorded.variant) ?? recorded.variant}` : ""}</strong>{" "}
            by {recorded.actor}, <LocalTime iso={recorded.createdAt.toISOString()} />
            {recorded.note ? ` — “${recorded.note}”` : ""}
          </>
        ) : (
          <span className="muted">No team decision recorded.</span>
        )}
      </p>
      {doc.snapshot ? (
        <>
          <AnalysisSections doc={doc} rows={visibleRows(doc, display)} decision={decision} display={display.display} />
          {doc.warnings.length > 0 ? (
            <section>
              <h2>Notes from the stats engine</h2>
              <ul className="small">
                {doc.warnings.map((w, i) => (
                  <li key={i}>{plainNumbers(w)}</li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
    </article>
  );
}
