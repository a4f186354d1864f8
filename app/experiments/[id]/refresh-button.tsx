"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

/** Runs a new analysis (POST …/refresh) and re-renders the page with its results. */
export function RefreshButton({ experimentId, label = "Refresh analysis" }: { experimentId: string; label?: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [refreshing, startTransition] = useTransition();

  async function refresh() {
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch(`/api/experiments/${encodeURIComponent(experimentId)}/refresh`, { method: "POST" });
      const body = (await res.json().catch(() => ({}))) as { status?: string; error?: string };
      if (!res.ok || body.status !== "succeeded") setMessage(`Analysis failed: ${body.error ?? res.statusText}`);
      startTransition(() => router.refresh());
    } catch {
      setMessage("Could not reach the server. Check that it is running and try again.");
    } finally {
      setBusy(false);
    }
  }

  const working = busy || refreshing;
  return (
    <>
      <button className="primary" onClick={refresh} disabled={working} aria-busy={working}>
        {working ? "Analysing…" : label}
      </button>
      {message ? (
        <span role="status" className="error-text">
          {message}
        </span>
      ) : null}
    </>
  );
}
