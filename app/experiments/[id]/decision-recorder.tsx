"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { DECISION_LABELS, NOTE_MAX } from "@/lib/ui/decision-form";
import { recordDecisionAction } from "../actions";

export interface RecordedDecision {
  id: number;
  decision: "ship" | "rollback" | "none";
  variant: string | null;
  actor: string;
  note: string;
  at: string;
}

function when(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

/** The team's decision: the current one, its history, and a form to record a new one. */
export function DecisionRecorder({
  experimentId,
  treatments,
  suggested,
  history,
  canEdit,
}: {
  experimentId: string;
  /** viewers see the record, editors also the form (the action checks the role again) */
  canEdit: boolean;
  treatments: { key: string; name: string }[];
  /** what the status suggests (pre-selects the form) */
  suggested: { decision: "ship" | "rollback" | "none"; variant: string | null };
  history: RecordedDecision[];
}) {
  const uid = useId();
  const router = useRouter();
  const [decision, setDecision] = useState(suggested.decision);
  const [variant, setVariant] = useState(suggested.variant ?? treatments[0]?.key ?? "");
  const [note, setNote] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [saving, start] = useTransition();
  const names = new Map(treatments.map((t) => [t.key, t.name]));
  const current = history[0];

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setMessage(null);
    start(async () => {
      const res = await recordDecisionAction(experimentId, { decision, variant: decision === "ship" ? variant : "", note });
      if (!res.ok) {
        setMessage([res.message, ...Object.values(res.errors ?? {})].filter(Boolean).join(" "));
        return;
      }
      setNote("");
      router.refresh();
    });
  }

  const label = (d: RecordedDecision) => `${DECISION_LABELS[d.decision]}${d.decision === "ship" && d.variant ? ` ${names.get(d.variant) ?? d.variant}` : ""}`;
  return (
    <div className="decision-recorder" data-testid="team-decision">
      <p className="recorded">
        {current ? (
          <>
            Team decision: <strong data-testid="recorded-decision">{label(current)}</strong>{" "}
            <span className="muted small">
              by {current.actor}, <time dateTime={current.at}>{when(current.at)}</time>
            </span>
            {current.note ? <span className="recorded-note">“{current.note}”</span> : null}
          </>
        ) : (
          <span className="muted">No team decision recorded yet.</span>
        )}
      </p>
      {canEdit ? (
      <details className="record-form">
        <summary>Record a decision</summary>
        <form onSubmit={submit} className="decision-form">
          <fieldset className="segmented">
            <legend>Decision</legend>
            {(["ship", "rollback", "none"] as const).map((d) => (
              <label key={d}>
                <input type="radio" name={`${uid}-decision`} value={d} checked={decision === d} onChange={() => setDecision(d)} />
                {DECISION_LABELS[d]}
              </label>
            ))}
          </fieldset>
          {decision === "ship" && treatments.length > 1 ? (
            <label className="field">
              <span>Variant that ships</span>
              <select value={variant} onChange={(e) => setVariant(e.target.value)}>
                {treatments.map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="field note-field">
            <span>Note (optional)</span>
            <textarea rows={2} maxLength={NOTE_MAX} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <div className="toolbar">
            <button type="submit" className="primary" disabled={saving} aria-busy={saving}>
              {saving ? "Saving…" : "Record decision"}
            </button>
            {message ? (
              <span role="alert" className="error-text">
                {message}
              </span>
            ) : null}
          </div>
        </form>
      </details>
      ) : null}
      {history.length > 1 ? (
        <details className="decision-history">
          <summary>Earlier decisions ({history.length - 1})</summary>
          <ul>
            {history.slice(1).map((d) => (
              <li key={d.id}>
                <strong>{label(d)}</strong> <span className="muted small">by {d.actor}, {when(d.at)}</span>
                {d.note ? ` — ${d.note}` : ""}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
