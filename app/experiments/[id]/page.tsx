import { routeParam } from "@/app/route-param";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getExperiment } from "@/lib/analysis/experiments";
import { decisionsOf, snapshotHistory } from "@/lib/analysis/store";
import { displayFromParams, searchFromView, viewFromParams, viewNotes } from "@/lib/ui/view-params";
import { bytesText } from "@/lib/ui/export";
import { formatDuration, formatInteger, plainNumbers } from "@/lib/format";
import { CORRECTION_LABELS, columnLabels, extrasOf, visibleRows } from "@/lib/ui/results-view";
import { decide } from "@/lib/ui/decision";
import { LocalTime } from "@/app/components/local-time";
import { DateRange } from "@/app/components/date-range";
import { ExportRegistry } from "@/app/components/export-registry";
import { DecisionCard } from "@/app/components/results/decision-card";
import { AnalysisSections } from "@/app/components/results/analysis-sections";
import { loadResultsDocument } from "@/lib/analysis/results-document";
import { DEFAULT_VIEW } from "@/lib/analysis/stats-request";
import { ExportBar } from "./export-bar";
import { ForestPlot } from "./forest-plot";
import { SnapshotHistory } from "./history";
import { RunPanel } from "./run-panel";
import { ActivityLog } from "./activity-log";
import { mayRead, requirePageRole } from "@/lib/auth/page-access";
import { roleAllows } from "@/lib/auth/roles";
import { auditEntries } from "@/lib/audit/log";
import { showAuditEntries } from "@/lib/audit/shown";
import { activeRun } from "@/lib/jobs/analysis-jobs";
import { TimeseriesChart } from "./timeseries-chart";
import { ViewControls } from "./view-controls";
import { DecisionRecorder } from "./decision-recorder";
import { PhasesSection } from "./phases-section";
import { ExperimentActions } from "./experiment-actions";
import { parsePhaseChoice } from "@/lib/analysis/phases";
import { scheduleFor } from "@/lib/running/schedule";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props) {
  const { id } = await params;
  const exp = (await mayRead()) ? await getExperiment(routeParam(id)) : null;
  return { title: exp ? `${exp.name} · Experiment results` : "Not found" };
}

export default async function ExperimentPage({ params, searchParams }: Props) {
  const { id } = await params;
  const who = await requirePageRole("viewer", `/experiments/${id}`);
  const canEdit = roleAllows(who.role, "editor");
  const exp = await getExperiment(routeParam(id));
  if (!exp) notFound();
  const sp = await searchParams;
  const view = viewFromParams(sp);
  const display = displayFromParams(sp);
  const phase = parsePhaseChoice(Array.isArray(sp.phase) ? sp.phase[0] : sp.phase) ?? undefined;
  const counts = exp.dataSource === "counts";
  const [doc, history, running, activity, decisions, schedule] = await Promise.all([
    loadResultsDocument(exp, view, display.segment, phase),
    snapshotHistory(exp.id, 20),
    activeRun(exp.id),
    auditEntries({ experimentId: exp.id, take: 50 }).then(showAuditEntries),
    decisionsOf(exp.id),
    scheduleFor(exp),
  ]);
  const decision = decide(doc);
  // a running experiment nobody has been exposed to yet is waiting, not failing (decide() tells)
  const waiting = decision.status === "waiting";
  const extras = extrasOf(doc);
  const e = doc.experiment;
  const control = e.controlVariant;
  const labels = columnLabels(doc.view);
  const multiVariant = e.variants.length > 2;
  const treatments = e.variants.map((v, index) => ({ key: v.key, name: v.name, index })).filter((v) => v.key !== control);
  const metricList = doc.metrics.map((m) => ({ key: m.key, name: m.name }));
  const rows = visibleRows(doc, display);
  const shownMetrics = metricList.filter((m) => display.metrics === null || display.metrics.includes(m.key));
  const shownTreatments = treatments.filter((t) => display.variants === null || display.variants.includes(t.key));
  const segmentInfo = extras.segments.find((s) => s.id === extras.segment);
  const segmentLabel = segmentInfo && segmentInfo.dimension !== "all" ? segmentInfo.label : "All users";
  const base = `/experiments/${encodeURIComponent(exp.id)}`;
  const query = searchFromView(view, display).toString();
  const viewSummary = [
    labels.interval,
    doc.view.mode === "bayesian" ? "Bayesian" : view.correction === "none" ? "no correction" : `${CORRECTION_LABELS[view.correction]} correction`,
    doc.view.mode === "bayesian" ? null : view.sequential ? "sequential" : "fixed horizon",
    view.cuped ? "CUPED" : "no CUPED",
    segmentLabel,
  ]
    .filter(Boolean)
    .join(" · ");
  // the decision depends on these (not on which rows are shown)
  const decisionViewChanged =
    view.alpha !== DEFAULT_VIEW.alpha || view.correction !== DEFAULT_VIEW.correction || view.sequential || !view.cuped || view.mode === "bayesian" || extras.segment !== "all";
  const fileStem = `${e.id}${extras.segment !== "all" ? `-${extras.segment}` : ""}`;
  const suggested =
    decision.status === "ship"
      ? { decision: "ship" as const, variant: decision.variant?.key ?? null }
      : decision.status === "dont-ship"
        ? { decision: "rollback" as const, variant: null }
        : { decision: "none" as const, variant: null };

  return (
    <ExportRegistry>
      <article className="dashboard">
        <p className="muted breadcrumb">
          <Link href="/experiments">Experiments</Link> / {exp.id}
        </p>
        <div className="title-row">
          <h1>{e.name}</h1>
          <span className={`badge ${e.status}`} data-testid="experiment-status">
            {e.status}
          </span>
          {e.archivedAt ? <span className="badge archived">archived</span> : null}
        </div>
        {e.hypothesis ? <p className="hypothesis">{e.hypothesis}</p> : null}

        <div className="decision-block">
          <DecisionCard
            decision={decision}
            viewNote={doc.snapshot && decisionViewChanged ? `For this view: ${viewSummary}. The list and the API use the default view.` : undefined}
          />
          <DecisionRecorder
            experimentId={exp.id}
            canEdit={canEdit}
            treatments={treatments.map((t) => ({ key: t.key, name: t.name }))}
            suggested={suggested}
            history={decisions.map((d) => ({
              id: d.id,
              decision: d.decision as "ship" | "rollback" | "none",
              variant: d.variant,
              actor: d.actor,
              note: d.note,
              at: d.createdAt.toISOString(),
            }))}
          />
        </div>

        <dl className="facts">
          <div>
            <dt>Owner</dt>
            <dd>{e.owner || "—"}</dd>
          </div>
          <div>
            <dt>Dates</dt>
            <dd>
              <DateRange start={e.startDate} end={e.endDate} />
              {exp.windowDays ? <div className="muted small">{exp.windowDays}-day metric window per user</div> : null}
            </dd>
          </div>
          <div>
            <dt>Users</dt>
            <dd data-testid="users-summary">
              {doc.users.length === 0
                ? "—"
                : doc.users.map((u) => (
                    <div key={u.variant}>
                      {u.name}: {formatInteger(u.users)}
                    </div>
                  ))}
            </dd>
          </div>
          <div className="wide-sm">
            <dt>Last analysis</dt>
            <dd data-testid="last-analysis">
              {doc.snapshot ? (
                <>
                  <Link href={`${base}/snapshots/${doc.snapshot.number ?? doc.snapshot.id}`}>#{doc.snapshot.number ?? doc.snapshot.id}</Link>,{" "}
                  <LocalTime iso={doc.snapshot.finishedAt ?? doc.snapshot.startedAt} />
                  <div className="muted small">
                    {formatDuration(doc.snapshot.durationMs)} · {bytesText(doc.snapshot.bytesProcessed)} · {doc.snapshot.warehouse}
                  </div>
                </>
              ) : (
                "never"
              )}
            </dd>
          </div>
        </dl>
        <div className="toolbar page-actions">
          {counts ? null : (
            <RunPanel
              experimentId={exp.id}
              canEdit={canEdit}
              initialRun={running}
              label={doc.snapshot || doc.lastFailure ? "Refresh analysis" : "Analyse now"}
              waiting={waiting}
              phase={phase === undefined ? undefined : String(phase)}
            />
          )}
          {canEdit ? <ExperimentActions experimentId={exp.id} counts={counts} /> : null}
          <a className="button" href={`/api/experiments/${encodeURIComponent(exp.id)}/results${query ? `?${query}` : ""}`}>
            JSON
          </a>
        </div>

        {viewNotes(sp).map((note) => (
          <p key={note} className="banner" role="status" data-testid="view-note">
            {note}
          </p>
        ))}

        {doc.lastFailure && !waiting ? (
          <div className="banner error" role="alert" data-testid="failure-banner">
            <strong>The latest analysis failed</strong> (<LocalTime iso={doc.lastFailure.startedAt} />
            ). {doc.snapshot ? "The results below are from the last successful analysis." : "There is no successful analysis yet."}{" "}
            <Link href={`${base}/snapshots/${doc.lastFailure.number ?? doc.lastFailure.id}`}>See its SQL</Link> (snapshot #{doc.lastFailure.number ?? doc.lastFailure.id})
            <pre>{doc.lastFailure.error}</pre>
          </div>
        ) : null}

        {waiting ? (
          <section className="panel" data-testid="not-analysed" data-status="waiting">
            <h2>No results yet</h2>
            <p>
              Exposures arrive from the SDK through the collection endpoint (or from your own logging); the first analysis that finds
              some shows its results here.
            </p>
            {doc.lastFailure ? (
              <p className="muted small" data-testid="last-looked">
                Last looked <LocalTime iso={doc.lastFailure.startedAt} /> (
                <Link href={`${base}/snapshots/${doc.lastFailure.number ?? doc.lastFailure.id}`}>snapshot #{doc.lastFailure.number ?? doc.lastFailure.id} and its SQL</Link>
                ).
              </p>
            ) : null}
          </section>
        ) : !doc.snapshot ? (
          <section className="panel" data-testid="not-analysed">
            <h2>No results yet</h2>
            <p>
              This experiment has not been analysed successfully yet. “{doc.lastFailure ? "Refresh analysis" : "Analyse now"}” runs the
              statements in the warehouse and stores a snapshot; the results then appear here.
            </p>
          </section>
        ) : (
          <>
            <nav className="page-nav" aria-label="On this page">
              <a href="#results-heading">Results</a>
              <a href="#health-heading">Health</a>
              <a href="#segments-heading">Segments</a>
              <a href="#power-heading">Power</a>
              <a href="#time-heading">{counts ? "Intervals" : "Over time"}</a>
              <a href="#history-heading">History</a>
            </nav>
            <ViewControls current={{ view, display }} metrics={metricList} treatments={treatments} />
            {extras.segment !== "all" ? (
              <p className="segment-note" data-testid="segment-note">
                Showing <strong>{segmentLabel}</strong> only: lifts and users are for this segment.{" "}
                <Link href={base}>Show all users</Link> (the Segments section below shows every value side by side).
              </p>
            ) : null}

            <AnalysisSections
              doc={doc}
              rows={rows}
              decision={decision}
              display={display.display}
              resultsActions={<ExportBar doc={doc} rows={rows} segment={extras.segment} reportPath={`${base}/report${query ? `?${query}` : ""}`} />}
            />

            <section aria-labelledby="time-heading">
              <h2 id="time-heading">{counts ? "Intervals" : "Over time"}</h2>
              <ForestPlot
                rows={rows}
                display={display.display}
                level={labels.level}
                correction={view.correction}
                title={`${display.display === "relative" ? "Relative" : "Absolute"} lift vs control: ${labels.interval} and 68% intervals`}
                subtitle={viewSummary}
                exportPrefix={e.name}
                fileStem={`${fileStem}-forest-plot`}
                treatments={treatments}
                multiVariant={multiVariant}
                status={decision.status}
                mode={labels.mode}
              />
              {counts ? null : (
                <TimeseriesChart
                  experimentId={e.id}
                  segment="all"
                  subtitle={`${labels.interval} · per-day lifts without CUPED, correction or capping${extras.segment !== "all" ? " · all users (not split by segment)" : ""}`}
                  sets={extras.timeseries}
                  metrics={shownMetrics}
                  treatments={shownTreatments}
                  initialAxis={display.timeseries}
                  initialMetric={display.tsMetric}
                  level={labels.level}
                  exportPrefix={e.name}
                  fileStem={`${fileStem}-timeseries`}
                />
              )}
            </section>

            {doc.warnings.length > 0 ? (
              <details className="panel">
                <summary>Notes from the stats engine ({doc.warnings.length})</summary>
                <ul>
                  {doc.warnings.map((w, i) => (
                    <li key={i}>{plainNumbers(w)}</li>
                  ))}
                </ul>
              </details>
            ) : null}
          </>
        )}

        {counts ? null : <PhasesSection exp={exp} selected={phase} schedule={schedule} today={new Date().toISOString().slice(0, 10)} />}

        <section aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          <SnapshotHistory experimentId={exp.id} snapshots={history} shownId={doc.snapshot?.id ?? null} waiting={waiting} />
        </section>

        <section aria-labelledby="activity-heading">
          <div className="section-head">
            <h2 id="activity-heading">Activity</h2>
            <a className="button" href={`/api/audit?experiment=${encodeURIComponent(exp.id)}`} download>
              Activity (CSV)
            </a>
          </div>
          <ActivityLog entries={activity} showExperiment={false} />
        </section>
      </article>
    </ExportRegistry>
  );
}
