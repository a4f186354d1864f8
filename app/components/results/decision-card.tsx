import type { Decision, DecisionReason } from "@/lib/ui/decision";

const TONE_MARK: Record<DecisionReason["tone"], string> = { good: "✓", bad: "✗", warn: "!", neutral: "•" };

export const STATUS_LABEL: Record<Decision["status"], string> = {
  ship: "Ship",
  "dont-ship": "Don't ship",
  "keep-running": "Keep running",
  unreliable: "Unreliable data",
  waiting: "Waiting for exposures",
  "not-analysed": "No results yet",
};

/** A status chip (the list, the header): the decision's title, coloured by status. */
export function StatusChip({ status, title }: { status: Decision["status"]; title: string }) {
  return (
    <span className={`status-chip ${status}`} data-status={status}>
      {title}
    </span>
  );
}

/** The decision first: one status, and the reasons that drive it (then the context). */
export function DecisionCard({ decision, viewNote }: { decision: Decision; viewNote?: string }) {
  const driving = decision.reasons.filter((r) => r.drives);
  const context = decision.reasons.filter((r) => !r.drives);
  return (
    <section className={`decision-card ${decision.status}`} aria-labelledby="decision-title" data-testid="decision">
      <p className="decision-kicker">Decision</p>
      <h2 id="decision-title" className="decision-title" data-testid="decision-title">
        {decision.title}
      </h2>
      <ul className="reasons" data-testid="decision-reasons">
        {driving.map((r, i) => (
          <li key={i} className={`reason ${r.tone}`} data-code={r.code}>
            <span className="mark" aria-hidden="true">
              {TONE_MARK[r.tone]}
            </span>
            <span>{r.text}</span>
          </li>
        ))}
      </ul>
      {context.length > 0 ? (
        <ul className="reasons context">
          {context.map((r, i) => (
            <li key={i} className={`reason ${r.tone}`} data-code={r.code}>
              <span className="mark" aria-hidden="true">
                {TONE_MARK[r.tone]}
              </span>
              <span>{r.text}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {viewNote ? <p className="muted small decision-note">{viewNote}</p> : null}
    </section>
  );
}
