import Link from "next/link";
import { listOverview } from "@/lib/analysis/overview";
import { formatInteger, formatLift, formatPLabel } from "@/lib/format";
import { LocalTime } from "@/app/components/local-time";
import { requirePageRole } from "@/lib/auth/page-access";
import { roleAllows } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";

export default async function ExperimentsPage() {
  const who = await requirePageRole("viewer", "/experiments");
  const rows = await listOverview();
  return (
    <section>
      <div className="title-row">
        <h1>Experiments</h1>
        {roleAllows(who.role, "editor") ? (
          <Link className="button primary" href="/experiments/new">
            New experiment
          </Link>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <p className="muted">
          No experiments yet. Run <code>npm run seed</code> to register the demo experiments.
        </p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Experiment</th>
                <th>Status</th>
                <th>Dates</th>
                <th>Variants</th>
                <th className="num">Users</th>
                <th>Last analysed</th>
                <th>Headline (primary metric)</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link href={`/experiments/${encodeURIComponent(r.id)}`}>{r.name}</Link>
                    <div className="muted">{r.id}</div>
                  </td>
                  <td>
                    <span className={`badge ${r.status}`}>{r.status}</span>
                    {r.srmMismatch ? <div className="badge failed">sample ratio mismatch</div> : null}
                  </td>
                  <td>
                    {r.startDate} → {r.endDate ?? "ongoing"}
                  </td>
                  <td>{r.variants.join(", ")}</td>
                  <td className="num">{formatInteger(r.users)}</td>
                  <td>
                    {r.lastAnalysedAt ? <LocalTime iso={r.lastAnalysedAt} /> : <span className="muted">never</span>}
                    {r.lastStatus === "failed" ? <div className="badge failed">last run failed</div> : null}
                  </td>
                  <td>
                    {r.headline ? (
                      <>
                        {r.headline.metric}, {r.headline.variant}:{" "}
                        <strong>{formatLift(r.headline.relative, r.headline.ciLow, r.headline.ciHigh, true)}</strong>
                        <div className="muted">{formatPLabel(r.headline.pValue)}</div>
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
