import { routeParam } from "@/app/route-param";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getExperiment } from "@/lib/analysis/experiments";
import { snapshotHistory } from "@/lib/analysis/store";
import { displayFromParams, viewFromParams, viewNotes } from "@/lib/ui/view-params";
import { bytesText } from "@/lib/ui/export";
import { formatDuration, formatInteger, formatLift, formatPercent, formatPLabel } from "@/lib/format";
import {
  CORRECTION_LABELS,
  extrasOf,
  levelPercent,
  ROLE_ORDER,
  allRows,
  visibleRows,
} from "@/lib/ui/results-view";
import { LocalTime } from "@/app/components/local-time";
import { ExportRegistry } from "@/app/components/export-registry";
import { ExportBar } from "./export-bar";
import { ForestPlot } from "./forest-plot";
import { SnapshotHistory } from "./history";
import { loadResultsDocument } from "@/lib/analysis/results-document";
import { MetricTable } from "./metric-table";
import { RunPanel } from "./run-panel";
import { ActivityLog } from "./activity-log";
import { mayRead, requirePageRole } from "@/lib/auth/page-access";
import { roleAllows } from "@/lib/auth/roles";
import { auditEntries } from "@/lib/audit/log";
import { activeRun } from "@/lib/jobs/analysis-jobs";
import { TimeseriesChart } from "./timeseries-chart";
import { SegmentPicker, ViewControls } from "./view-controls";
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
  const [doc, history, running, activity, schedule] = await Promise.all([
    loadResultsDocument(exp, view, display.segment, phase),
    snapshotHistory(exp.id, 20),
    activeRun(exp.id),
    auditEntries({ experimentId: exp.id, take: 50 }),
    scheduleFor(exp),
  ]);
  const extras = extrasOf(doc);
  const e = doc.experiment;
  const control = e.controlVariant;
  const level = levelPercent(view.alpha);
  const multiVariant = e.variants.length > 2;
  const treatments = e.variants.map((v, index) => ({ key: v.key, name: v.name, index })).filter((v) => v.key !== control);
  const metricList = doc.metrics.map((m) => ({ key: m.key, name: m.name }));

  const everyRow = allRows(doc, display.mode);
  const rows = visibleRows(doc, display);
  const failingGuardrails = everyRow.filter((r) => r.role === "guardrail" && r.verdict === "lose");
  const visibleMetricKeys = new Set(rows.map((r) => r.metricKey));
  const shownMetrics = metricList.filter((m) => display.metrics === null || display.metrics.includes(m.key));
  const shownTreatments = treatments.filter((t) => display.variants === null || display.variants.includes(t.key));
  const segmentInfo = extras.segments.find((s) => s.id === extras.segment);
  const segmentLabel = segmentInfo && segmentInfo.dimension !== "all" ? segmentInfo.label : "All users";
  const totalUsers = doc.users.reduce((a, u) => a + u.users, 0);
  const totalWeight = e.variants.reduce((a, v) => a + v.weight, 0);
  const viewSummary = [
    `${level}% and 68% intervals`,
    view.correction === "none" ? "no correction" : `${CORRECTION_LABELS[view.correction]} correction`,
    view.sequential ? "sequential" : "fixed horizon",
    view.cuped ? "CUPED" : "no CUPED",
    segmentLabel,
  ].join(" · ");
  const current = { view, display };
  const levelSummary = `${level}% intervals · ${view.sequential ? "sequential" : "fixed horizon"} · per-day lifts without CUPED, correction or capping`;
  const fileStem = `${e.id}${extras.segment !== "all" ? `-${extras.segment}` : ""}`;

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
        </div>
        {e.hypothesis ? <p className="hypothesis">{e.hypothesis}</p> : null}
        <dl className="facts">
          <div>
            <dt>Owner</dt>
            <dd>{e.owner || "—"}</dd>
          </div>
          <div>
            <dt>Dates</dt>
            <dd>
              {e.startDate} → {e.endDate ?? "ongoing"}
              {exp.windowDays ? <div className="muted small">{exp.windowDays}-day metric window per user</div> : null}
            </dd>
          </div>
          <div>
            <dt>Users per variant</dt>
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
          <div>
            <dt>Excluded users (seen in several variants)</dt>
            <dd data-testid="excluded-users">{formatInteger(doc.excludedUsers)}</dd>
          </div>
          <div>
            <dt>Last analysis</dt>
            <dd data-testid="last-analysis">
              {doc.snapshot ? (
                <>
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
              phase={phase === undefined ? undefined : String(phase)}
            />
          )}
          {canEdit ? <ExperimentActions experimentId={exp.id} counts={counts} /> : null}
          <a className="button" href={`/api/experiments/${encodeURIComponent(exp.id)}/results`}>
            JSON
          </a>
        </div>

        {viewNotes(sp).map((note) => (
          <p key={note} className="banner" role="status" data-testid="view-note">
            {note}
          </p>
        ))}

        {doc.lastFailure ? (
          <div className="banner error" role="alert" data-testid="failure-banner">
            <strong>The latest analysis failed</strong> (<LocalTime iso={doc.lastFailure.startedAt} />
            ). {doc.snapshot ? "The results below are from the last successful analysis." : "There is no successful analysis yet."}{" "}
            <Link href={`/experiments/${encodeURIComponent(exp.id)}/snapshots/${doc.lastFailure.id}`}>See its SQL</Link>
            <pre>{doc.lastFailure.error}</pre>
          </div>
        ) : null}

        {doc.srm?.mismatch ? (
          <div className="banner" role="alert" data-testid="srm-banner">
            <strong>
              <span aria-hidden="true">⚠ </span>Sample ratio mismatch.
            </strong>{" "}
            The users per variant differ from the planned split more than chance allows (χ² test, {formatPLabel(doc.srm.pValue)}
            ). The assignment or the exposure logging is likely broken, so the results below may be biased: check the
            assignment code, bot filtering and whether one variant logs exposures differently before trusting them.
          </div>
        ) : null}

        {failingGuardrails.length > 0 ? (
          <div className="banner loud" role="alert" data-testid="guardrail-banner">
            <strong>
              <span aria-hidden="true">⚠ </span>Guardrail failing.
            </strong>{" "}
            {failingGuardrails.map((r, i) => (
              <span key={`${r.metricKey}-${r.variantKey}`}>
                {i > 0 ? "; " : ""}
                {r.metricName} got worse with {r.variantName} (
                {formatLift(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh, true)})
              </span>
            ))}
            . Do not ship without understanding why.
          </div>
        ) : null}

        {!doc.snapshot ? (
          <section className="panel" data-testid="not-analysed">
            <h2>No results yet</h2>
            <p>
              This experiment has not been analysed successfully yet. “{doc.lastFailure ? "Refresh analysis" : "Analyse now"}” runs
              one query in the warehouse and stores a snapshot; the results then appear here.
            </p>
          </section>
        ) : (
          <>
            <ViewControls current={current} metrics={metricList} treatments={treatments} />
            <SegmentPicker current={current} segments={extras.segments} />
            {extras.segment !== "all" ? (
              <p className="segment-note" data-testid="segment-note">
                Showing <strong>{segmentLabel}</strong>: {formatInteger(totalUsers)} users. Lifts, users and the SRM check are
                for this segment only.
              </p>
            ) : null}

            <section aria-labelledby="users-heading">
              <h2 id="users-heading">Users per variant</h2>
              <div className="table-wrap">
                <table data-testid="users-table">
                  <thead>
                    <tr>
                      <th scope="col">Variant</th>
                      <th scope="col" className="num">
                        Planned share
                      </th>
                      <th scope="col" className="num">
                        Observed share
                      </th>
                      <th scope="col" className="num">
                        Users
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {doc.users.map((u) => {
                      const w = e.variants.find((v) => v.key === u.variant)?.weight ?? 0;
                      return (
                        <tr key={u.variant}>
                          <th scope="row">
                            {u.name} {u.variant === control ? <span className="badge">control</span> : null}
                          </th>
                          <td className="num">{totalWeight > 0 ? formatPercent(w / totalWeight, 1) : "—"}</td>
                          <td className="num">{totalUsers > 0 ? formatPercent(u.users / totalUsers, 1) : "—"}</td>
                          <td className="num">{formatInteger(u.users)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </section>

            <section aria-labelledby="lift-heading">
              <h2 id="lift-heading">Lift by metric</h2>
              <ForestPlot
                rows={rows}
                display={display.display}
                level={level}
                correction={view.correction}
                title={`${display.display === "relative" ? "Relative" : "Absolute"} lift vs control with ${level}% and 68% intervals`}
                subtitle={viewSummary}
                exportPrefix={e.name}
                fileStem={`${fileStem}-forest-plot`}
                treatments={treatments}
                multiVariant={multiVariant}
              />
            </section>

            <section aria-labelledby="time-heading">
              <h2 id="time-heading">Over time</h2>
              <TimeseriesChart
                experimentId={e.id}
                segment="all"
                subtitle={
                  extras.segment !== "all"
                    ? `All users: the time series is not split by segment. ${levelSummary}`
                    : levelSummary
                }
                sets={extras.timeseries}
                metrics={shownMetrics}
                treatments={shownTreatments}
                initialAxis={display.timeseries}
                initialMetric={display.tsMetric}
                level={level}
                exportPrefix={e.name}
                fileStem={`${fileStem}-timeseries`}
              />
            </section>

            <section aria-labelledby="results-heading" data-testid="results">
              <div className="section-head">
                <h2 id="results-heading">Results</h2>
                <ExportBar doc={doc} rows={rows} mode={display.mode} segment={extras.segment} segmentLabel={segmentLabel} />
              </div>
              <p className="muted small">
                {viewSummary}. {display.mode === "bayesian" ? "Verdict: chance to win above " : "Verdict: the interval excludes zero at "}
                {display.mode === "bayesian" ? `${level}% (win) or below ${formatPercent(view.alpha, 0)} (lose)` : `${level}%`}.
              </p>
              {rows.length === 0 ? (
                <p className="muted" data-testid="no-rows">
                  No metric matches the filters{display.significantOnly ? " (none is significant in this view)" : ""}.
                </p>
              ) : null}
              {ROLE_ORDER.map(({ role, title }) => {
                const keys = doc.metrics.filter((m) => m.role === role && visibleMetricKeys.has(m.key)).map((m) => m.key);
                if (keys.length === 0) return null;
                return (
                  <section key={role} className={`role-section ${role}`}>
                    <h2>{title}</h2>
                    {keys.map((key) => (
                      <MetricTable
                        key={key}
                        rows={rows.filter((r) => r.metricKey === key)}
                        level={level}
                        correction={view.correction}
                        display={display.display}
                        mode={display.mode}
                      />
                    ))}
                  </section>
                );
              })}
            </section>

            {doc.warnings.length > 0 ? (
              <details className="panel">
                <summary>Notes from the stats engine ({doc.warnings.length})</summary>
                <ul>
                  {doc.warnings.map((w, i) => (
                    <li key={i}>{w}</li>
                  ))}
                </ul>
              </details>
            ) : null}
          </>
        )}

        {counts ? null : <PhasesSection exp={exp} selected={phase} schedule={schedule} today={new Date().toISOString().slice(0, 10)} />}

        <section aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          <SnapshotHistory experimentId={exp.id} snapshots={history} shownId={doc.snapshot?.id ?? null} />
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
