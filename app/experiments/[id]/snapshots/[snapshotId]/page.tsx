import { routeParam } from "@/app/route-param";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getExperiment } from "@/lib/analysis/experiments";
import { getSnapshot } from "@/lib/analysis/store";
import { formatBytes, formatDuration, formatInteger } from "@/lib/format";
import { LocalTime } from "@/app/components/local-time";
import { CopyButton } from "@/app/components/copy-button";
import { scrubInternals } from "@/lib/public-error";
import { mayRead, requirePageRole } from "@/lib/auth/page-access";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string; snapshotId: string }> };

async function load(id: string, snapshotId: string) {
  const sid = Number(snapshotId);
  if (!Number.isSafeInteger(sid) || sid <= 0) return null;
  const [exp, snapshot] = await Promise.all([
    getExperiment(id),
    getSnapshot(id, sid),
  ]);
  return exp && snapshot ? { exp, snapshot } : null;
}

export async function generateMetadata({ params }: Props) {
  const { id, snapshotId } = await params;
  const found = (await mayRead()) ? await load(routeParam(id), snapshotId) : null;
  return { title: found ? `Snapshot #${found.snapshot.id} · ${found.exp.name}` : "Not found" };
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

/** Transparency: the exact SQL one analysis ran, its bound parameters, cost and outcome. */
export default async function SnapshotPage({ params }: Props) {
  const { id, snapshotId } = await params;
  await requirePageRole("viewer", `/experiments/${id}/snapshots/${snapshotId}`);
  const found = await load(routeParam(id), snapshotId);
  if (!found) notFound();
  const { exp, snapshot: s } = found;
  const params_ = parameters(s.parameters);
  const base = `/experiments/${encodeURIComponent(exp.id)}`;
  return (
    <article>
      <p className="muted breadcrumb">
        <Link href="/experiments">Experiments</Link> / <Link href={base}>{exp.name}</Link> / snapshot #{s.id}
      </p>
      <h1>Snapshot #{s.id}</h1>
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
          <strong>The warehouse reported an error</strong>
          <pre>{scrubInternals(s.error)}</pre>
        </div>
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
        <div className="table-wrap">
          <table data-testid="snapshot-parameters">
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
