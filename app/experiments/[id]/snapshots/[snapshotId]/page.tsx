import { routeParam } from "@/app/route-param";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getExperiment } from "@/lib/analysis/experiments";
import { getSnapshotByNumber } from "@/lib/analysis/store";
import { loadSnapshotDocument } from "@/lib/analysis/results-document";
import { formatBytes, formatDuration, formatInteger } from "@/lib/format";
import { decide } from "@/lib/ui/decision";
import { visibleRows } from "@/lib/ui/results-view";
import { displayFromParams, viewFromParams } from "@/lib/ui/view-params";
import { LocalTime } from "@/app/components/local-time";
import { CopyButton } from "@/app/components/copy-button";
import { DecisionCard } from "@/app/components/results/decision-card";
import { AnalysisSections } from "@/app/components/results/analysis-sections";
import { scrubInternals } from "@/lib/public-error";
import { mayRead, requirePageRole } from "@/lib/auth/page-access";

export const dynamic = "force-dynamic";

// The route segment is the snapshot's number within the experiment (#1, #2, …), not its row id.
type Props = { params: Promise<{ id: string; snapshotId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

async function load(id: string, number: string) {
  const n = Number(number);
  if (!Number.isSafeInteger(n) || n <= 0) return null;
  const exp = await getExperiment(id);
  const snapshot = exp ? await getSnapshotByNumber(exp.id, n) : null;
  return exp && snapshot ? { exp, snapshot } : null;
}

export async function generateMetadata({ params }: Props) {
  const { id, snapshotId } = await params;
  const found = (await mayRead()) ? await load(routeParam(id), snapshotId) : null;
  return { title: found ? `Snapshot #${found.snapshot.number} · ${found.exp.name}` : "Not found" };
}

function parameters(json: string): [string, string][] {
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  try {
    const value: unknown = JSON.parse(json);
    // one entry per statement: { statement, params }
    if (Array.isArray(value)) {
      return value.flatMap((entry: { statement?: unknown; params?: Record<string, unknown> }) =>
        Object.entries(entry?.params ?? {}).map(([k, v]): [string, string] => [`${String(entry?.statement ?? "")} · ${k}`, show(v)]),
      );
    }
    if (value && typeof value === "object") {
      return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, show(v)]);
    }
  } catch {
    // stored parameters are always JSON; anything else is shown raw below
  }
  return json && json !== "{}" ? [["(raw)", json]] : [];
}

/** One past analysis: its full results (recomputed from its stored sums), and the exact SQL it ran. */
export default async function SnapshotPage({ params, searchParams }: Props) {
  const { id, snapshotId } = await params;
  await requirePageRole("viewer", `/experiments/${id}/snapshots/${snapshotId}`);
  const found = await load(routeParam(id), snapshotId);
  if (!found) notFound();
  const { exp, snapshot: s } = found;
  const sp = await searchParams;
  const view = viewFromParams(sp);
  const display = displayFromParams(sp);
  const doc = await loadSnapshotDocument(exp, s, view);
  const decision = decide(doc);
  const params_ = parameters(s.parameters);
  const base = `/experiments/${encodeURIComponent(exp.id)}`;
  return (
    <article className="dashboard snapshot-page">
      <p className="muted breadcrumb">
        <Link href="/experiments">Experiments</Link> / <Link href={base}>{exp.name}</Link> / snapshot #{s.number}
      </p>
      <h1>
        {exp.name}: snapshot #{s.number}
      </h1>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`badge ${s.status}`}>{s.status}</span>
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <LocalTime iso={s.startedAt.toISOString()} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(s.durationMs)}</dd>
        </div>
        <div>
          <dt>Bytes scanned</dt>
          <dd>{formatBytes(s.bytesProcessed === null ? null : Number(s.bytesProcessed))}</dd>
        </div>
        <div>
          <dt>Rows returned</dt>
          <dd>{formatInteger(s.rowCount)}</dd>
        </div>
        <div>
          <dt>Warehouse</dt>
          <dd>{s.warehouse}</dd>
        </div>
      </dl>
      {s.error ? (
        <div className="banner error" role="alert">
          <strong>This analysis failed</strong>
          <pre>{scrubInternals(s.error)}</pre>
        </div>
      ) : null}

      {doc.snapshot ? (
        <>
          <p className="muted small">
            The results as this snapshot computed them, recomputed from its stored sums for the default view{" "}
            (<Link href={base}>the experiment&apos;s page</Link> shows the latest).
          </p>
          <DecisionCard decision={decision} />
          <AnalysisSections doc={doc} rows={visibleRows(doc, display)} decision={decision} display={display.display} />
        </>
      ) : null}

      <div className="section-head">
        <h2 id="sql-heading">SQL</h2>
        {s.sql ? <CopyButton text={s.sql} label="Copy SQL" /> : null}
      </div>
      {s.sql ? (
        <pre className="sql" data-testid="snapshot-sql" aria-labelledby="sql-heading" tabIndex={0}>
          <code>{s.sql}</code>
        </pre>
      ) : (
        <p className="muted">This analysis stopped before its query was built.</p>
      )}
      <h2>Bound parameters</h2>
      {params_.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <div className="table-scroll">
          <table data-testid="snapshot-parameters" className="compact params-table">
            <thead>
              <tr>
                <th scope="col">Parameter</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {params_.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">
                    <code>{k}</code>
                  </th>
                  <td>
                    <code>{v}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <Link href={base}>Back to the results</Link>
      </p>
    </article>
  );
}
