"use client";

import { useState } from "react";

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setDone("Copied");
    } catch {
      setDone("Select the text to copy it");
    }
    setTimeout(() => setDone(null), 2500);
  }
  return (
    <span className="toolbar">
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span role="status" aria-live="polite" className="muted">
        {done ?? ""}
      </span>
    </span>
  );
}
