"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { deleteExperimentAction, setArchivedAction } from "./actions";

/** Archive (or restore) and delete, each behind a confirmation; delete asks for the id again. */
export function ListActions({ id, name, archived }: { id: string; name: string; archived: boolean }) {
  const uid = useId();
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [mode, setMode] = useState<"archive" | "delete">("archive");
  const [typed, setTyped] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [busy, start] = useTransition();

  function open(m: "archive" | "delete") {
    setMode(m);
    setTyped("");
    setMessage(null);
    dialog.current?.showModal();
  }

  function confirm(e: React.FormEvent) {
    e.preventDefault();
    start(async () => {
      const res = mode === "delete" ? await deleteExperimentAction(id, typed) : await setArchivedAction(id, !archived);
      if (!res.ok) {
        setMessage(res.message);
        return;
      }
      dialog.current?.close();
      router.refresh();
    });
  }

  const archiveWord = archived ? "Restore" : "Archive";
  return (
    <div className="list-actions">
      <button type="button" className="small-button" onClick={() => open("archive")}>
        {archiveWord}
        <span className="sr-only"> {name}</span>
      </button>
      <button type="button" className="small-button danger" onClick={() => open("delete")}>
        Delete<span className="sr-only"> {name}</span>
      </button>
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${uid}-title`}>
        <form onSubmit={confirm}>
          <h2 id={`${uid}-title`}>{mode === "delete" ? `Delete “${name}”?` : `${archiveWord} “${name}”?`}</h2>
          {mode === "delete" ? (
            <>
              <p>
                This deletes the experiment with every snapshot, its results history and its recorded decisions. It cannot be undone: archive it to
                keep them out of the list instead.
              </p>
              <label className="field">
                <span>
                  Type <code>{id}</code> to confirm
                </span>
                <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} aria-label="Experiment id to confirm" />
              </label>
            </>
          ) : (
            <p>
              {archived
                ? "It comes back to the list; nothing else changes."
                : "It leaves the list (show it with “Show archived”); its results, snapshots and decisions are kept."}
            </p>
          )}
          {message ? (
            <p role="alert" className="error-text">
              {message}
            </p>
          ) : null}
          <div className="toolbar">
            <button type="submit" className={mode === "delete" ? "danger-button" : "primary"} disabled={busy || (mode === "delete" && typed.trim() !== id)}>
              {busy ? "Working…" : mode === "delete" ? "Delete for good" : archiveWord}
            </button>
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
