"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import type { RunStatus } from "@/lib/jobs/analysis-jobs";
import { formatDuration } from "@/lib/format";

const POLL_MS = 1000;
const ACTIVE = new Set(["queued", "running"]);

function statusLine(run: RunStatus, elapsedMs: number): string {
  const elapsed = formatDuration(elapsedMs);
  if (run.cancelRequested && ACTIVE.has(run.status)) return `Cancelling… (${elapsed})`;
  if (run.status === "queued") return `Queued for ${elapsed}: waiting for a free analysis slot`;
  if (run.status === "running") return `Running for ${elapsed}${run.statement ? `: ${run.statement}` : ""}`;
  return run.status;
}

/**
 * Starts an analysis (POST …/refresh answers 202 with the run) and follows it live: queued,
 * running with the statement and elapsed time, then the page re-renders with the outcome. Editors
 * can cancel it; the cancel reaches the warehouse.
 */
export function RunPanel({
  experimentId,
  canEdit,
  initialRun,
  label,
  phase,
  waiting = false,
}: {
  experimentId: string;
  canEdit: boolean;
  initialRun: RunStatus | null;
  label: string;
  /** the phase to analyse ("0", "1", …, "all"); the current one when absent */
  phase?: string;
  /** the page's status is "Waiting for exposures" (decide()): a run that found nobody is that wait, not an error */
  waiting?: boolean;
}) {
  const router = useRouter();
  const [run, setRun] = useState<RunStatus | null>(initialRun);
  const [seenAt, setSeenAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, startTransition] = useTransition();
  const active = run !== null && ACTIVE.has(run.status);
  const followed = useRef<number | null>(null);

  /** Shows a run's latest status; a finished one says how it ended and re-renders the page. */
  const follow = useCallback(
    (r: RunStatus) => {
      setRun(r);
      setSeenAt(Date.now());
      if (ACTIVE.has(r.status)) return;
      if (r.status === "failed") setMessage(`Analysis failed: ${r.error ?? "no message"}`);
      else if (r.status === "cancelled") setMessage(`Analysis cancelled${r.error ? ` (${r.error})` : ""}.`);
      else setMessage(null);
      startTransition(() => router.refresh());
    },
    [router],
  );

  useEffect(() => {
    if (!active || !run) return;
    followed.current = run.id;
    const id = run.id;
    const timer = setInterval(async () => {
      setNow(Date.now());
      try {
        const res = await fetch(`/api/runs/${id}`, { cache: "no-store" });
        if (!res.ok || followed.current !== id) return;
        follow((await res.json()) as RunStatus);
      } catch {
        // the server restarting or the network: the next tick asks again
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, run, follow]);

  async function refresh() {
    setBusy(true);
    setMessage(null);
    try {
      const query = phase === undefined ? "" : `?phase=${encodeURIComponent(phase)}`;
      const res = await fetch(`/api/experiments/${encodeURIComponent(experimentId)}/refresh${query}`, { method: "POST" });
      const body = (await res.json().catch(() => ({}))) as Partial<RunStatus> & { error?: string; active?: RunStatus | null };
      if (res.status === 202) follow(body as RunStatus);
      else if (res.status === 409 && body.active) follow(body.active);
      else setMessage(`The analysis could not start: ${body.error ?? res.statusText}`);
    } catch {
      setMessage("Could not reach the server. Check that it is running and try again.");
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    if (!run) return;
    setBusy(true);
    try {
      const res = await fetch(`/api/runs/${run.id}/cancel`, { method: "POST" });
      const body = (await res.json().catch(() => ({}))) as RunStatus & { error?: string };
      if (res.status === 202) follow(body);
      else if (res.status === 409) follow((await (await fetch(`/api/runs/${run.id}`, { cache: "no-store" })).json()) as RunStatus); // it had just finished
      else setMessage(`Could not cancel: ${body.error ?? res.statusText}`);
    } catch {
      setMessage("Could not reach the server. Check that it is running and try again.");
    } finally {
      setBusy(false);
    }
  }

  const elapsed = run ? run.elapsedMs + (active ? Math.max(0, now - seenAt) : 0) : 0;
  return (
    <>
      {canEdit ? (
        <button className="primary" onClick={refresh} disabled={busy || active} aria-busy={active}>
          {active ? "Analysing…" : label}
        </button>
      ) : null}
      {active && run ? (
        <span className="run-status" role="status" data-testid="run-status" data-status={run.status}>
          <span className={`badge ${run.status}`}>{run.status}</span>
          <span>{statusLine(run, elapsed)}</span>
          {canEdit && !run.cancelRequested ? (
            <button type="button" onClick={cancel} disabled={busy}>
              Cancel
            </button>
          ) : null}
        </span>
      ) : null}
      {message && waiting && run?.status === "failed" ? (
        <span role="status" className="muted" data-testid="run-message">
          Analysed: nobody has been exposed yet.
        </span>
      ) : message ? (
        <span role="status" className="error-text" data-testid="run-message">
          {message}
        </span>
      ) : null}
    </>
  );
}
