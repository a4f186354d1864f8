import { prisma } from "@/lib/db";

// Cancelling a run. The process that owns a run holds an AbortController for it here; its
// warehouse work listens to the signal (DuckDB: the connection is interrupted; BigQuery: the job
// is cancelled). A cancel asked for in another process (another server, or the web page while a
// CLI runs the analysis) is written to the run row, and the owner polls for it.

const slot = globalThis as typeof globalThis & { __runControls?: Map<number, AbortController> };
const controls = (slot.__runControls ??= new Map<number, AbortController>());

/** How often an owner looks for a cancel written by another process. */
export const CANCEL_POLL_MS = 1000;

export class RunCancelled extends Error {
  constructor(readonly by: string | null) {
    super(by ? `cancelled by ${by}` : "cancelled");
    this.name = "RunCancelled";
  }
}

/** The run's controller in this process, made on first ask; `release` forgets it. */
export function runControl(runId: number): { signal: AbortSignal; release: () => void } {
  let controller = controls.get(runId);
  if (!controller) {
    controller = new AbortController();
    controls.set(runId, controller);
  }
  const c = controller;
  const poll = setInterval(() => {
    prisma.snapshot
      .findUnique({ where: { id: runId }, select: { cancelRequestedAt: true } })
      .then((row) => {
        if (row?.cancelRequestedAt && !c.signal.aborted) c.abort(new RunCancelled(null));
      })
      .catch(() => undefined); // a busy database: the next poll asks again
  }, CANCEL_POLL_MS);
  poll.unref();
  return {
    signal: c.signal,
    release: () => {
      clearInterval(poll);
      if (controls.get(runId) === c) controls.delete(runId);
    },
  };
}

/** Aborts a run this process owns; false when it is not here (another process, or finished). */
export function abortLocalRun(runId: number, by: string): boolean {
  const c = controls.get(runId);
  if (!c) return false;
  if (!c.signal.aborted) c.abort(new RunCancelled(by));
  return true;
}

/** The message a cancelled run keeps. */
export function cancelMessage(signal: AbortSignal): string {
  return signal.reason instanceof RunCancelled ? signal.reason.message : "cancelled";
}
