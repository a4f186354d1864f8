import Link from "next/link";
import { LocalTime } from "@/app/components/local-time";
import { describeCondition } from "@/lib/assignment/condition-text";
import { definitionInput, definitionProblems, phasesOf, type Phase, type PhaseChoice, type PhaseExperiment } from "@/lib/analysis/phases";
import { formatPercent } from "@/lib/format";
import { servedStatus } from "@/lib/running/features";
import type { ScheduleInfo } from "@/lib/running/schedule";

/** How the SDK assigns in a phase, in words: coverage, the split, hashing and namespace. */
function splitText(p: Phase, names: Map<string, string>): string {
  return p.variants.map((k, i) => `${names.get(k) ?? k} ${formatPercent(p.weights[i] ?? 0, 1)}`).join(" · ");
}

/**
 * The experiment's assignment on its page (issue 13): who takes part in plain words, what the SDK
 * payload serves now, every phase with its dates and settings, the phase the results cover (with
 * links to the others and to all), and the next scheduled analysis.
 */
export function PhasesSection({
  exp,
  selected,
  schedule,
  today,
}: {
  exp: PhaseExperiment & { refreshHours: number; dataSource: string };
  /** the phase the results below cover (undefined: the current one) */
  selected: PhaseChoice | undefined;
  schedule: ScheduleInfo;
  today: string;
}) {
  const phases = phasesOf(exp);
  const current = phases.at(-1)!;
  const names = new Map(exp.variants.map((v) => [v.key, v.name]));
  const shown = selected === undefined ? current.number : selected;
  const serving = servedStatus(exp, today);
  const problems = serving === "running" ? definitionProblems(definitionInput(exp, current, "running")) : [];
  const base = `/experiments/${encodeURIComponent(exp.id)}`;
  return (
    <section aria-labelledby="assignment-heading" data-testid="assignment-section">
      <h2 id="assignment-heading">Assignment</h2>
      <dl className="facts">
        <div>
          <dt>Who takes part</dt>
          <dd data-testid="condition-text">{describeCondition(current.condition ?? undefined)}</dd>
        </div>
        <div>
          <dt>Coverage</dt>
          <dd>{formatPercent(current.coverage, 1)} of them</dd>
        </div>
        <div>
          <dt>SDK payload</dt>
          <dd data-testid="served-status">
            {serving === "running"
              ? problems.length > 0
                ? `left out: ${problems.map((p) => `${p.path ? `${p.path}: ` : ""}${p.message}`).join("; ")}`
                : `served, phase ${current.number}`
              : serving === "stopped"
                ? "served without a rule (everybody gets the control)"
                : "not served (draft)"}
          </dd>
        </div>
        <div>
          <dt>Scheduled analysis</dt>
          <dd data-testid="next-refresh">
            {schedule.next ? (
              <>
                every {schedule.everyHours} h · next{" "}
                {schedule.next.getTime() <= Date.now() ? "within a minute" : <LocalTime iso={schedule.next.toISOString()} />}
              </>
            ) : (
              <span className="muted">none: {schedule.reason}</span>
            )}
          </dd>
        </div>
      </dl>
      <div className="table-wrap">
        <table className="stack-rows" data-testid="phases-table">
          <caption className="muted small" style={{ textAlign: "left" }}>
            Phases: a change of who takes part or of the split while the experiment runs starts a new phase. The results cover{" "}
            {shown === "all" ? "all phases together" : `phase ${shown}${shown === current.number ? " (the current one)" : ""}`}.
          </caption>
          <thead>
            <tr>
              <th scope="col">Phase</th>
              <th scope="col">Dates</th>
              <th scope="col">Split</th>
              <th scope="col">Coverage</th>
              <th scope="col">Who takes part</th>
              <th scope="col">Hashing</th>
              <th scope="col">Started because</th>
              <th scope="col">Results</th>
            </tr>
          </thead>
          <tbody>
            {phases.map((p) => {
              const empty = p.endDate !== null && p.endDate < p.startDate;
              return (
                <tr key={p.number} data-phase={p.number} aria-current={p.number === shown ? "true" : undefined}>
                  <th scope="row">
                    {p.number} {p.number === current.number ? <span className="badge">current</span> : null}
                  </th>
                  <td data-label="Dates">
                    {p.startDate} → {p.endDate ?? exp.endDate ?? "ongoing"}
                  </td>
                  <td data-label="Split">{splitText(p, names)}</td>
                  <td className="num" data-label="Coverage">
                    {formatPercent(p.coverage, 1)}
                  </td>
                  <td data-label="Who takes part">{describeCondition(p.condition ?? undefined)}</td>
                  <td className="small" data-label="Hashing">
                    {p.hashAttribute}, seed {p.seed ?? `${exp.exposureKey ?? exp.id} (the key)`}
                    {p.namespace ? `, namespace ${p.namespace[0]} [${formatPercent(p.namespace[1], 0)}, ${formatPercent(p.namespace[2], 0)})` : ""}
                  </td>
                  <td className="small" data-label="Started because">
                    {p.reason || (p.number === 0 ? "the start" : "—")}
                  </td>
                  <td data-label="Results">
                    {empty ? (
                      <span className="muted small">no day of its own</span>
                    ) : p.number === shown ? (
                      <strong>shown</strong>
                    ) : (
                      <Link href={`${base}?phase=${p.number}`}>show</Link>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {phases.length > 1 ? (
        <p className="small">{shown === "all" ? <strong>Showing all phases together</strong> : <Link href={`${base}?phase=all`}>Show all phases together</Link>} (users assigned under different rules mixed: for a look at the whole, not for the decision).</p>
      ) : null}
    </section>
  );
}
