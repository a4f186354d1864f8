import Link from "next/link";
import { LocalTime } from "@/app/components/local-time";
import type { ShownAuditEntry } from "@/lib/audit/run-names";

/** Audit entries, newest first: when, who, what, and the summary of the change. */
export function ActivityLog({ entries, showExperiment }: { entries: ShownAuditEntry[]; showExperiment: boolean }) {
  if (entries.length === 0) return <p className="muted">No recorded activity yet.</p>;
  return (
    <div className="table-wrap">
      <table className="stack-rows" data-testid="activity-log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">What</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td>
                <LocalTime iso={e.at.toISOString()} />
              </td>
              <td data-label="Who">{e.actorName}</td>
              <td data-label="Action">{e.action}</td>
              <td data-label="What">
                {e.snapshotNumber !== null && e.experimentId ? (
                  <Link href={`/experiments/${encodeURIComponent(e.experimentId)}/snapshots/${e.snapshotNumber}`}>{e.target}</Link>
                ) : (
                  e.target
                )}
                {showExperiment && e.experimentId ? (
                  <div className="small">
                    <Link href={`/experiments/${encodeURIComponent(e.experimentId)}`}>{e.experimentId}</Link>
                  </div>
                ) : null}
              </td>
              <td data-label="Change" className="small">
                {e.summary}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
