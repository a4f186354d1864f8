import Link from "next/link";
import { listOverview } from "@/lib/ui/experiment-list";
import { applyFilters, filtersFromParams, RECORDED_FILTERS } from "@/lib/ui/list-filters";
import { STATUS_FILTERS } from "@/lib/ui/decision";
import { DECISION_LABELS } from "@/lib/ui/decision-form";
import { formatInteger } from "@/lib/format";
import { LocalTime } from "@/app/components/local-time";
import { requirePageRole } from "@/lib/auth/page-access";
import { roleAllows } from "@/lib/auth/roles";
import { DateRange } from "@/app/components/date-range";
import { StatusChip } from "@/app/components/results/decision-card";
import { ListActions } from "./list-actions";

export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const RECORDED_LABELS: Record<(typeof RECORDED_FILTERS)[number], string> = { ...DECISION_LABELS, unrecorded: "Not recorded" };

export default async function ExperimentsPage({ searchParams }: Props) {
  const who = await requirePageRole("viewer", "/experiments");
  const canEdit = roleAllows(who.role, "editor");
  const filters = filtersFromParams(await searchParams);
  const all = await listOverview();
  const rows = applyFilters(all, filters);
  const owners = [...new Set(all.map((e) => e.owner).filter(Boolean))].sort();
  const archivedCount = all.filter((e) => e.archived).length;
  const filtered = filters.q || filters.status || filters.owner || filters.decision;
  return (
    <section className="experiment-list">
      <div className="title-row">
        <h1>Experiments</h1>
        {canEdit ? (
          <Link className="button primary" href="/experiments/new">
            New experiment
          </Link>
        ) : null}
      </div>
      <form className="list-filters" method="get" role="search" aria-label="Search and filter experiments" data-testid="list-filters">
        <label className="field search-field">
          <span>Search</span>
          <input type="search" name="q" defaultValue={filters.q} placeholder="Name, id, owner or hypothesis" />
        </label>
        <label className="field">
          <span>Status</span>
          <select name="status" defaultValue={filters.status ?? ""}>
            <option value="">Any</option>
            {STATUS_FILTERS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Owner</span>
          <select name="owner" defaultValue={filters.owner ?? ""}>
            <option value="">Anyone</option>
            {owners.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Team decision</span>
          <select name="decision" defaultValue={filters.decision ?? ""}>
            <option value="">Any</option>
            {RECORDED_FILTERS.map((d) => (
              <option key={d} value={d}>
                {RECORDED_LABELS[d]}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="archived" value="1" defaultChecked={filters.archived} /> Show archived ({archivedCount})
        </label>
        <div className="toolbar">
          <button type="submit">Apply</button>
          {filtered || filters.archived ? (
            <Link className="button" href="/experiments">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      {all.length === 0 ? (
        <p className="muted">
          No experiments yet. Run <code>npm run seed</code> to register the demo experiments.
        </p>
      ) : rows.length === 0 ? (
        <p className="muted" data-testid="no-experiments">
          No experiment matches these filters.
        </p>
      ) : (
        <div className="list-wrap">
          <table className="list-table" data-testid="experiment-list">
            <thead>
              <tr>
                <th scope="col">Experiment</th>
                <th scope="col">Status</th>
                <th scope="col">Best arm on the primary metric</th>
                <th scope="col">Team decision</th>
                <th scope="col" className="num">
                  Users
                </th>
                <th scope="col">Last analysis</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid={`experiment-${r.id}`} data-status={r.decision.status} className={r.archived ? "archived" : undefined}>
                  <th scope="row" data-label="Experiment">
                    <Link href={`/experiments/${encodeURIComponent(r.id)}`}>{r.name}</Link>
                    <span className="muted small block">
                      {r.id}
                      {r.owner ? ` · ${r.owner}` : ""}
                    </span>
                    <span className="muted small block">
                      <DateRange start={r.startDate} end={r.endDate} />
                    </span>
                    <span className="small block">
                      <span className={`badge ${r.lifecycle}`}>{r.lifecycle}</span>
                      {r.archived ? <span className="badge archived">archived</span> : null}
                    </span>
                  </th>
                  <td data-label="Status">
                    <StatusChip status={r.decision.status} title={r.decision.title} />
                    <span className="small block status-headline">{r.decision.headline}</span>
                    {r.lastRunFailed ? <span className="badge failed block-badge">last run failed</span> : null}
                  </td>
                  <td data-label="Best arm" className="best-arm">
                    {r.bestArm ? (
                      <>
                        <strong>{r.bestArm.variantName}</strong> <span className="muted small">on {r.bestArm.metricName}</span>
                        <span className={`block lift tone-${r.bestArm.verdict ?? "unreliable"}`}>
                          <span className="estimate">{r.bestArm.relative.estimate}</span>{" "}
                          <span className="ci small">
                            [{r.bestArm.relative.low}, {r.bestArm.relative.high}]
                          </span>
                        </span>
                        <span className="muted small block">{r.bestArm.absolute}</span>
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td data-label="Team decision">
                    {r.recorded ? (
                      <>
                        <strong>{DECISION_LABELS[r.recorded.decision as keyof typeof DECISION_LABELS] ?? r.recorded.decision}</strong>
                        <span className="muted small block">
                          {r.recorded.actor}, <LocalTime iso={r.recorded.at} />
                        </span>
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="num" data-label="Users">
                    {formatInteger(r.users)}
                  </td>
                  <td data-label="Last analysis">
                    {r.lastAnalysedAt ? (
                      <>
                        <span className="nowrap">#{r.snapshotNumber}</span> <LocalTime iso={r.lastAnalysedAt} />
                      </>
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </td>
                  <td data-label="Actions">
                    {canEdit ? <ListActions id={r.id} name={r.name} archived={r.archived} /> : null}
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
