"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

export function RefreshButton({ experimentId }: { experimentId: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [, startTransition] = useTransition();

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

  return (
    <div className="toolbar">
      <button className="primary" onClick={refresh} disabled={busy} aria-busy={busy}>
        {busy ? "Analysing…" : "Refresh analysis"}
      </button>
      {message ? (
        <span role="status" className="muted">
          {message}
        </span>
      ) : null}
    </div>
  );
}
