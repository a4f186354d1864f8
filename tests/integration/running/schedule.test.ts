import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentInput } from "@/lib/analysis/experiments";
import { useTempEnvironment } from "../../support/temp-env";

// Scheduled refresh without cron: when an experiment is due, that a run missed while the app was
// down happens at start, and that a due experiment with a run under way gets no second one.

const env = useTempEnvironment("schedule");
const HOUR = 3600_000;
const daysAgo = (n: number) => new Date(Date.now() - n * 86400_000).toISOString().slice(0, 10);

const input = (id: string, over: Partial<ExperimentInput> = {}): ExperimentInput => ({
  id,
  name: id,
  hypothesis: "",
  owner: "",
  status: "running",
  startDate: daysAgo(5),
  endDate: null,
  controlVariant: "control",
  variants: [
    { key: "control", name: "Control", weight: 1 },
    { key: "treatment", name: "Treatment", weight: 1 },
  ],
  metrics: [{ key: "purchases", role: "primary" }],
  ...over,
});

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  await migrate();
});

afterAll(async () => {
  const { stopRefreshScheduler } = await import("@/lib/running/schedule");
  stopRefreshScheduler();
  await env.cleanup();
});

describe("scheduleOf", () => {
  it("schedules running warehouse experiments every N hours after their last run, from their start", async () => {
    const { scheduleOf } = await import("@/lib/running/schedule");
    const now = new Date("2026-11-30T12:00:00Z");
    const exp = { status: "running", dataSource: "warehouse", refreshHours: 6, startDate: "2026-11-01", endDate: null };
    expect(scheduleOf(exp, new Date("2026-11-30T08:00:00Z"), now).next).toEqual(new Date("2026-11-30T14:00:00Z"));
    expect(scheduleOf({ ...exp, refreshHours: 2 }, new Date("2026-11-30T08:00:00Z"), now).next).toEqual(new Date("2026-11-30T10:00:00Z")); // overdue
    expect(scheduleOf(exp, null, now).next).toEqual(now); // never analysed: now
    expect(scheduleOf({ ...exp, startDate: "2026-12-03" }, null, now).next).toEqual(new Date("2026-12-03T00:00:00Z"));
    expect(scheduleOf({ ...exp, status: "stopped" }, null, now)).toMatchObject({ next: null, reason: "only running experiments are analysed on a schedule" });
    expect(scheduleOf({ ...exp, refreshHours: 0 }, null, now)).toMatchObject({ next: null, reason: "scheduled analyses are off for it" });
    expect(scheduleOf({ ...exp, dataSource: "counts" }, null, now).next).toBeNull();
    expect(scheduleOf({ ...exp, endDate: "2026-11-29" }, null, now).next).toBeNull();
  });
});

describe("the scheduler", () => {
  it("at start, runs what was missed while the app was down; then nothing until the next is due; never two at once", async () => {
    const { saveExperiment } = await import("@/lib/analysis/store");
    const { prisma } = await import("@/lib/db");
    const { startDueAnalyses, startRefreshScheduler } = await import("@/lib/running/schedule");
    const { backgroundAnalysesSettled } = await import("@/lib/jobs/analysis-jobs");
    await saveExperiment(input("missed", { refreshHours: 6 }));
    await saveExperiment(input("recent", { refreshHours: 6 }));
    await saveExperiment(input("off", { refreshHours: 0 }));
    await saveExperiment(input("paused", { status: "stopped" }));
    const run = (experimentId: string, hoursAgo: number) =>
      prisma.snapshot.create({ data: { experimentId, status: "succeeded", warehouse: "duckdb", startedAt: new Date(Date.now() - hoursAgo * HOUR), finishedAt: new Date() } });
    await run("missed", 9); // the app was down when it was due (3 hours ago)
    await run("recent", 1);

    startRefreshScheduler(); // what the server does at start
    await expect.poll(async () => prisma.snapshot.count({ where: { experimentId: "missed", requestedBy: "schedule" } })).toBe(1);
    await backgroundAnalysesSettled();
    expect(await prisma.snapshot.count({ where: { requestedBy: "schedule" } })).toBe(1);
    expect(await startDueAnalyses()).toEqual([]); // "missed" just ran

    // due again six hours later; "recent" is due too; a run still under way blocks a second one
    const later = new Date(Date.now() + 6 * HOUR + 60_000);
    const { claimRun } = await import("@/lib/analysis/runs");
    const live = await claimRun("recent", "duckdb", "someone");
    await prisma.snapshot.update({ where: { id: live.id }, data: { startedAt: new Date(Date.now() - 7 * HOUR) } });
    expect(await startDueAnalyses(later)).toEqual(["missed"]);
    await backgroundAnalysesSettled();
    const { scheduleFor } = await import("@/lib/running/schedule");
    const { getExperiment } = await import("@/lib/analysis/store");
    const next = (await scheduleFor((await getExperiment("missed"))!)).next!;
    expect(Math.abs(next.getTime() - (Date.now() + 6 * HOUR))).toBeLessThan(60_000);
  });
});
