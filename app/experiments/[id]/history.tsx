import Link from "next/link";
import type { SnapshotRow } from "@/lib/analysis/store";
import { formatBytes, formatDuration, formatInteger } from "@/lib/format";
import { LocalTime } from "@/app/components/local-time";
import { scrubInternals } from "@/lib/public-error";
import { parseNoExposures } from "@/lib/analysis/no-exposures";

/** Past analyses, numbered per experiment: when, how long, how much was scanned, how each ended, and a link to its full results and SQL. */
export function SnapshotHistory({
  experimentId,
  snapshots,
  shownId,
  waiting,
}: {
  experimentId: string;
  snapshots: SnapshotRow[];
  shownId: number | null;
  /** the experiment is waiting for its first exposures (decide()): its runs that found nobody are not failures */
  waiting: boolean;
}) {
  if (snapshots.length === 0) return <p className="muted">No analyses yet.</p>;
  return (
    <div className="table-wrap">
      <table className="stack-rows" data-testid="snapshot-history">
        <thead>
          <tr>
            <th scope="col">Snapshot</th>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Bytes scanned
            </th>
            <th scope="col" className="num">
              Rows returned
            </th>
            <th scope="col">Warehouse</th>
            <th scope="col">Open</th>
          </tr>
        </thead>
        <tbody>
          {snapshots.map((s) => {
            const n = s.number ?? s.id;
            const href = `/experiments/${encodeURIComponent(experimentId)}/snapshots/${n}`;
            return (
            <tr key={s.id} data-status={s.status}>
              <th scope="row">
                #{n}
                {s.id === shownId ? <span className="badge">shown</span> : null}
              </th>
              <td data-label="Started">
                <LocalTime iso={s.startedAt.toISOString()} />
              </td>
              <td data-label="Status">
                {waiting && s.status === "failed" && parseNoExposures(s.error) ? (
                  <span className="badge" data-testid="history-nobody-yet">
                    nobody exposed yet
                  </span>
                ) : (
                  <>
                    <span className={`badge ${s.status}`}>{s.status}</span>
                    {s.error ? <div className="error-text small history-error">{scrubInternals(s.error.split("\n")[0] ?? "").slice(0, 160)}</div> : null}
                  </>
                )}
              </td>
              <td className="num" data-label="Duration">
                {formatDuration(s.durationMs)}
              </td>
              <td className="num" data-label="Bytes scanned">
                {formatBytes(s.bytesProcessed === null ? null : Number(s.bytesProcessed))}
              </td>
              <td className="num" data-label="Rows returned">
                {formatInteger(s.rowCount)}
              </td>
              <td data-label="Warehouse">{s.warehouse}</td>
              <td className="nowrap" data-label="Open">
                {s.status === "succeeded" ? (
                  <Link href={href}>
                    Results<span className="sr-only"> of snapshot #{n}</span>
                  </Link>
                ) : null}
                {s.status === "succeeded" && s.sql ? " · " : null}
                {s.sql ? (
                  <Link href={`${href}#sql-heading`}>
                    SQL<span className="sr-only"> of snapshot #{n}</span>
                  </Link>
                ) : null}
                {!s.sql && s.status !== "succeeded" ? <span className="muted">—</span> : null}
              </td>
            </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
