import Link from "next/link";
import { notFound } from "next/navigation";
import { getExperiment } from "@/lib/analysis/experiments";
import { loadResultsDocument } from "@/lib/analysis/results-document";
import { viewFromParams } from "@/lib/analysis/view-params";
import { formatBytes, formatDuration, formatInteger, formatPLabel } from "@/lib/format";
import { LocalTime } from "@/app/components/local-time";
import { ForestPlot, type ForestRow } from "./forest-plot";
import { MetricTable } from "./metric-table";
import { RefreshButton } from "./refresh-button";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props) {
  const { id } = await params;
  const exp = await getExperiment(decodeURIComponent(id));
  return { title: exp ? `${exp.name} · Experiment results` : "Not found" };
}

const ROLES = [
  { role: "primary", title: "Primary metrics" },
  { role: "secondary", title: "Secondary metrics" },
  { role: "guardrail", title: "Guardrail metrics" },
] as const;

export default async function ExperimentPage({ params, searchParams }: Props) {
  const { id } = await params;
  const exp = await getExperiment(decodeURIComponent(id));
  if (!exp) notFound();
  const view = viewFromParams(await searchParams);
  const doc = await loadResultsDocument(exp, view);
  const control = doc.experiment.controlVariant;
  const level = Math.round((1 - view.alpha) * 100);

  const forestRows: ForestRow[] = doc.metrics.flatMap((m) =>
    m.variants
      .filter((v) => v.id !== control)
      .map((v) => ({
        label: doc.experiment.variants.length > 2 ? `${m.name} · ${v.name}` : m.name,
        metric: m.name,
        variant: v.name,
        estimate: v.relative?.estimate ?? null,
        ciLow: v.relative?.ciLow ?? null,
        ciHigh: v.relative?.ciHigh ?? null,
        ci68Low: v.intervals?.find((i) => i.level === 0.68)?.relative.ciLow ?? null,
        ci68High: v.intervals?.find((i) => i.level === 0.68)?.relative.ciHigh ?? null,
        pValue: v.adjustedPValue ?? v.pValue ?? null,
        controlMean: m.variants.find((c) => c.id === control)?.mean ?? null,
        variantMean: v.mean,
        n: v.n,
        statistic: m.statistic,
      })),
  );

  return (
    <article>
      <p className="muted">
        <Link href="/experiments">Experiments</Link> / {exp.id}
      </p>
      <h1>{doc.experiment.name}</h1>
      {doc.experiment.hypothesis ? <p className="hypothesis">{doc.experiment.hypothesis}</p> : null}
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`badge ${doc.experiment.status}`}>{doc.experiment.status}</span>
          </dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{doc.experiment.owner || "—"}</dd>
        </div>
        <div>
          <dt>Dates</dt>
          <dd>
            {doc.experiment.startDate} → {doc.experiment.endDate ?? "ongoing"}
          </dd>
        </div>
        <div>
          <dt>Excluded users (seen in several variants)</dt>
          <dd data-testid="excluded-users">{formatInteger(doc.excludedUsers)}</dd>
        </div>
        <div>
          <dt>Last analysis</dt>
          <dd>
            {doc.snapshot ? (
              <>
                <LocalTime iso={doc.snapshot.finishedAt ?? doc.snapshot.startedAt} /> · {formatDuration(doc.snapshot.durationMs)}
                {doc.snapshot.bytesProcessed !== null ? ` · ${formatBytes(doc.snapshot.bytesProcessed)} scanned` : ""}
              </>
            ) : (
              "never"
            )}
          </dd>
        </div>
      </dl>
      <RefreshButton experimentId={exp.id} />

      {doc.lastFailure ? (
        <div className="banner error" role="alert">
          <strong>The latest analysis failed</strong> (<LocalTime iso={doc.lastFailure.startedAt} />). The results below are
          from the last successful analysis.
          <pre>{doc.lastFailure.error}</pre>
        </div>
      ) : null}

      {doc.srm?.mismatch ? (
        <div className="banner" role="alert" data-testid="srm-banner">
          <strong>Sample ratio mismatch.</strong> The users per variant differ from the planned split more than chance
          allows (χ² test, {formatPLabel(doc.srm.pValue)}). The assignment or the exposure logging is likely broken, so
          the results below may be biased: check the assignment code, bot filtering and whether one variant logs
          exposures differently before trusting them.
        </div>
      ) : null}

      {!doc.snapshot ? (
        <p className="muted">This experiment has not been analysed successfully yet. Use “Refresh analysis”.</p>
      ) : (
        <>
          <h2>Users per variant</h2>
          <div className="table-wrap">
            <table data-testid="users-table">
              <thead>
                <tr>
                  <th>Variant</th>
                  <th className="num">Planned share</th>
                  <th className="num">Users</th>
                </tr>
              </thead>
              <tbody>
                {doc.users.map((u) => {
                  const weights = doc.experiment.variants.reduce((a, v) => a + v.weight, 0);
                  const w = doc.experiment.variants.find((v) => v.key === u.variant)?.weight ?? 0;
                  return (
                    <tr key={u.variant}>
                      <td>
                        {u.name} {u.variant === control ? <span className="badge">control</span> : null}
                      </td>
                      <td className="num">{weights > 0 ? `${((100 * w) / weights).toFixed(1)}%` : "—"}</td>
                      <td className="num">{formatInteger(u.users)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>

          <h2>Relative lift with {level}% and 68% intervals</h2>
          <ForestPlot rows={forestRows} title={`${doc.experiment.name}: relative lift vs control`} />

          {ROLES.map(({ role, title }) => {
            const metrics = doc.metrics.filter((m) => m.role === role);
            if (metrics.length === 0) return null;
            return (
              <section key={role}>
                <h2>{title}</h2>
                {metrics.map((m) => (
                  <MetricTable key={m.key} metric={m} control={control} level={level} correction={view.correction} />
                ))}
              </section>
            );
          })}
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
    </article>
  );
}
