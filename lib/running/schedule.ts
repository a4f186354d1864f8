// Scheduled refresh without cron (issue 13, petri-dish's repeating runs): the server looks every
// minute for running warehouse experiments whose last analysis started more than refreshHours
// ago (default 6) and starts one through the background queue. It also looks once at start, so a
// run missed while the app was down happens then. One run per experiment at a time is the run
// table's own rule (claimRun): a due experiment whose run is still going is skipped.
import { prisma } from "@/lib/db";
import { AnalysisInProgressError } from "@/lib/analysis/runs";
import { listExperiments } from "@/lib/analysis/store";
import { enqueueAnalysis } from "@/lib/jobs/analysis-jobs";
import { publicMessage } from "@/lib/public-error";

const HOUR_MS = 3600_000;
export const SCHEDULE_CHECK_MS = 60_000;

export interface ScheduleInfo {
  /** hours between analyses (0: never on a schedule) */
  everyHours: number;
  /** when the next scheduled analysis starts (null: none is scheduled); in the past = at the next check */
  next: Date | null;
  /** why there is none */
  reason: string | null;
}

type Scheduled = { status: string; dataSource: string; refreshHours: number; startDate: string; endDate: string | null };

/** The schedule of one experiment given when its last analysis started. */
export function scheduleOf(exp: Scheduled, lastStartedAt: Date | null, now = new Date()): ScheduleInfo {
  const everyHours = exp.refreshHours;
  const today = now.toISOString().slice(0, 10);
  if (exp.dataSource !== "warehouse") return { everyHours, next: null, reason: "its data are counts typed in, not the warehouse" };
  if (everyHours <= 0) return { everyHours, next: null, reason: "scheduled analyses are off for it" };
  if (exp.status !== "running") return { everyHours, next: null, reason: "only running experiments are analysed on a schedule" };
  if (exp.endDate !== null && exp.endDate < today) return { everyHours, next: null, reason: "its end date has passed" };
  const starts = new Date(`${exp.startDate}T00:00:00Z`);
  const afterLast = lastStartedAt ? new Date(lastStartedAt.getTime() + everyHours * HOUR_MS) : now;
  return { everyHours, next: new Date(Math.max(afterLast.getTime(), starts.getTime())), reason: null };
}

/** When each experiment's latest run started (any outcome: a failed run is tried again after the interval, not at once). */
async function lastRunStarts(ids: string[]): Promise<Map<string, Date>> {
  const rows = await prisma.snapshot.groupBy({ by: ["experimentId"], where: { experimentId: { in: ids } }, _max: { startedAt: true } });
  return new Map(rows.filter((r) => r._max.startedAt).map((r) => [r.experimentId, r._max.startedAt!]));
}

export async function scheduleFor(exp: Scheduled & { id: string }, now = new Date()): Promise<ScheduleInfo> {
  return scheduleOf(exp, (await lastRunStarts([exp.id])).get(exp.id) ?? null, now);
}

/** Starts the analyses that are due; the ids started. */
export async function startDueAnalyses(now = new Date()): Promise<string[]> {
  const experiments = (await listExperiments()).filter((e) => e.status === "running" && e.dataSource === "warehouse" && e.refreshHours > 0);
  if (experiments.length === 0) return [];
  const last = await lastRunStarts(experiments.map((e) => e.id));
  const started: string[] = [];
  for (const exp of experiments) {
    const { next } = scheduleOf(exp, last.get(exp.id) ?? null, now);
    if (!next || next > now) continue;
    try {
      await enqueueAnalysis(exp.id, { reason: "schedule", actor: { kind: "system", name: "schedule" } });
      started.push(exp.id);
    } catch (err) {
      if (!(err instanceof AnalysisInProgressError)) publicMessage(err, `scheduled analysis of ${exp.id}`);
    }
  }
  return started;
}

const slot = globalThis as typeof globalThis & { __refreshScheduler?: NodeJS.Timeout };

/** Checks at once (runs missed while the app was down) and then every minute. */
export function startRefreshScheduler(): void {
  if (slot.__refreshScheduler) return;
  const check = () => void startDueAnalyses().catch((err: unknown) => publicMessage(err, "checking scheduled analyses"));
  check();
  slot.__refreshScheduler = setInterval(check, SCHEDULE_CHECK_MS);
  slot.__refreshScheduler.unref();
}

export function stopRefreshScheduler(): void {
  if (slot.__refreshScheduler) clearInterval(slot.__refreshScheduler);
  slot.__refreshScheduler = undefined;
}
