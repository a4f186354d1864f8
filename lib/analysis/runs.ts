import { hostname } from "node:os";
import pRetry from "p-retry";
import { config } from "@/lib/config";
import { prisma } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { isProcessAlive } from "@/lib/process-alive";
import { publicMessage } from "@/lib/public-error";
import type { SnapshotRow } from "./store";

/**
 * A snapshot row is a run with an owner (DESIGN §3). While queued or running it carries
 * activeExperimentId = experimentId, whose unique index lets one run per experiment be active:
 * claiming is an insert, and a unique violation means another run is active. That run is dead if
 * its owner's pid is gone (same host) or its heartbeat is older than RUN_LEASE_MS; then it is
 * marked failed ("interrupted") and the claim is tried once more. The final write clears
 * activeExperimentId together with the outcome.
 */

/** An analysis of the same experiment is queued or running (each run costs a warehouse scan). */
export class AnalysisInProgressError extends Error {
  constructor(id: string, since: Date) {
    super(`an analysis of "${id}" has been running since ${since.toISOString()}; wait for it to finish`);
    this.name = "AnalysisInProgressError";
  }
}

export const INTERRUPTED_MESSAGE = "interrupted: the process running this analysis stopped before it finished";

// Runs this process owns: a row naming our host and pid that is not here belongs to an earlier
// process that had the same pid (containers restart with the same one).
const globalForRuns = globalThis as unknown as { ownedRuns?: Set<number> };
const ownedRuns = (globalForRuns.ownedRuns ??= new Set<number>());

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === "P2002";
}

/** SQLITE_BUSY after the busy timeout (the adapter reports it as a timeout, P1008). */
export function isDatabaseBusy(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === "P1008" || /SQLITE_BUSY|database is locked/i.test(e.message ?? "");
}

/** A write that waits out a busy database (beyond SQLite's own busy timeout) for up to one lease. */
function retryWhileBusy<T>(write: () => Promise<T>): Promise<T> {
  return pRetry(write, {
    retries: Number.POSITIVE_INFINITY,
    minTimeout: 100,
    maxTimeout: 2000,
    randomize: true,
    maxRetryTime: config().RUN_LEASE_MS,
    shouldRetry: ({ error }) => isDatabaseBusy(error),
  });
}

type RunOwner = Pick<SnapshotRow, "id" | "ownerHost" | "ownerPid" | "heartbeatAt">;

export function isRunOwnerDead(run: RunOwner, now = Date.now()): boolean {
  if (!run.heartbeatAt || now - run.heartbeatAt.getTime() > config().RUN_LEASE_MS) return true;
  if (run.ownerHost !== hostname()) return false; // another machine: only its heartbeat tells
  if (run.ownerPid === process.pid) return !ownedRuns.has(run.id);
  return run.ownerPid === null || !isProcessAlive(run.ownerPid);
}

async function markInterrupted(run: SnapshotRow): Promise<void> {
  // conditional on the row still being active, so two claimers racing here change it once
  await prisma.snapshot.updateMany({
    where: { id: run.id, activeExperimentId: run.experimentId },
    data: { status: "failed", error: INTERRUPTED_MESSAGE, finishedAt: new Date(), activeExperimentId: null },
  });
}

/** The next per-experiment snapshot number (#1, #2, …); the unique (experimentId, number) index settles races. */
export async function nextSnapshotNumber(experimentId: string): Promise<number> {
  const last = await prisma.snapshot.aggregate({ where: { experimentId }, _max: { number: true } });
  return (last._max.number ?? 0) + 1;
}

/**
 * Inserts a queued run owned by this process, or throws AnalysisInProgressError. Two claims that
 * took the same number collide on the unique index like two active runs do, and are told apart the same way.
 */
export async function claimRun(
  experimentId: string,
  warehouse: string,
  requestedBy: string | null = null,
  phase: string | null = null,
  number?: number,
): Promise<SnapshotRow> {
  for (let attempt = 1; ; attempt++) {
    try {
      const run = await prisma.snapshot.create({
        data: {
          experimentId,
          // a number read beforehand (beside the experiment, no extra round trip) on the first try
          number: attempt === 1 && number !== undefined ? number : await nextSnapshotNumber(experimentId),
          activeExperimentId: experimentId,
          status: "queued",
          warehouse,
          ownerHost: hostname(),
          ownerPid: process.pid,
          heartbeatAt: new Date(),
          requestedBy,
          phase,
        },
      });
      ownedRuns.add(run.id);
      return run;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const active = await prisma.snapshot.findUnique({ where: { activeExperimentId: experimentId } });
      if (attempt >= 2 || (active && !isRunOwnerDead(active))) {
        throw new AnalysisInProgressError(experimentId, active?.startedAt ?? new Date());
      }
      if (active) await markInterrupted(active);
    }
  }
}

/** Keeps the run's heartbeat fresh until the returned function is called. */
export function startHeartbeat(runId: number): () => void {
  const timer = setInterval(() => {
    prisma.snapshot
      .updateMany({ where: { id: runId, activeExperimentId: { not: null } }, data: { heartbeatAt: new Date() } })
      .catch(() => {}); // a busy database: the next beat tries again, the lease is four beats long
  }, Math.max(1, Math.floor(config().RUN_LEASE_MS / 4)));
  timer.unref();
  return () => clearInterval(timer);
}

export async function markRunning(runId: number): Promise<void> {
  const now = new Date();
  await retryWhileBusy(() => prisma.snapshot.update({ where: { id: runId }, data: { status: "running", heartbeatAt: now, runningAt: now } }));
}

/** Shows which statement the warehouse is running (best effort: a busy database only delays the label). */
export async function markStatement(runId: number, statement: string): Promise<void> {
  await prisma.snapshot.updateMany({ where: { id: runId, activeExperimentId: { not: null } }, data: { currentStatement: statement } }).catch(() => undefined);
}

export type RunOutcome = Omit<Prisma.SnapshotUpdateInput, "activeExperimentId" | "experiment" | "finishedAt"> & {
  status: "succeeded" | "failed" | "cancelled";
};

/**
 * The run's outcome (succeeded with its numbers, failed or cancelled with a message), written
 * once; the run stops being active. When that write fails for another reason than a busy
 * database (which it waits out), a plain failure is written instead, so a failure while
 * recording the outcome never leaves the run "running"; if even that cannot be written, the run
 * is no longer owned here and the next claim, status read or server start marks it interrupted.
 */
export async function finishRun(runId: number, outcome: RunOutcome): Promise<SnapshotRow> {
  try {
    return await retryWhileBusy(() =>
      prisma.snapshot.update({ where: { id: runId }, data: { ...outcome, currentStatement: null, finishedAt: new Date(), activeExperimentId: null } }),
    );
  } catch (err) {
    const error = publicMessage(err, "the analysis finished but its outcome could not be recorded");
    return await prisma.snapshot.update({
      where: { id: runId },
      data: { status: "failed", error, currentStatement: null, finishedAt: new Date(), activeExperimentId: null },
    });
  } finally {
    ownedRuns.delete(runId);
  }
}

/** Marks the run interrupted when it is active and its owner is dead; the row as it is now. */
export async function reapIfDead(run: SnapshotRow): Promise<SnapshotRow> {
  if (run.activeExperimentId === null || !isRunOwnerDead(run)) return run;
  await markInterrupted(run);
  return (await prisma.snapshot.findUnique({ where: { id: run.id } })) ?? run;
}

/** At server start: every active run whose owner is dead is marked interrupted. The number marked. */
export async function reapDeadRuns(): Promise<number> {
  let marked = 0;
  for (const run of await prisma.snapshot.findMany({ where: { activeExperimentId: { not: null } } })) {
    if ((await reapIfDead(run)) !== run) marked++;
  }
  return marked;
}
