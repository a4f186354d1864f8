import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { useTempEnvironment } from "../support/temp-env";

// Issue 9, finding 2: "one run per experiment" must be atomic, and a run whose owner died must
// not block the experiment (it did for 30 minutes).

const env = useTempEnvironment("claims");

function configure(vars: Record<string, string>) {
  Object.assign(process.env, vars);
  resetConfig();
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 3000, days: 14, seed: 3 });
  await registerDemoExperiments(14);
});
afterAll(() => env.cleanup());

async function activeRow(experimentId: string, owner: { host: string; pid: number; heartbeatAgoMs?: number }) {
  const { prisma } = await import("@/lib/db");
  return prisma.snapshot.create({
    data: {
      experimentId,
      activeExperimentId: experimentId,
      status: "running",
      warehouse: "duckdb",
      ownerHost: owner.host,
      ownerPid: owner.pid,
      heartbeatAt: new Date(Date.now() - (owner.heartbeatAgoMs ?? 0)),
    },
  });
}

describe("one active run per experiment", () => {
  it("five concurrent runAnalysis of one experiment start exactly one warehouse run", async () => {
    const { runAnalysis, AnalysisInProgressError } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    configure({ ANALYSIS_CONCURRENCY: "4" });
    const before = await prisma.snapshot.count({ where: { experimentId: "checkout-redesign" } });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => runAnalysis("checkout-redesign")));
    const ran = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(ran).toHaveLength(1);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(r.reason).toBeInstanceOf(AnalysisInProgressError);
    expect(await prisma.snapshot.count({ where: { experimentId: "checkout-redesign" } })).toBe(before + 1);
    expect((ran[0] as PromiseFulfilledResult<{ status: string }>).value.status).toBe("succeeded");
    // finished: the next one may start
    expect((await runAnalysis("checkout-redesign")).status).toBe("succeeded");
  });

  it("a run owned by a live process of this machine blocks a second one", async () => {
    const { runAnalysis, AnalysisInProgressError } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    const live = await activeRow("feed-autoplay", { host: hostname(), pid: process.ppid });
    await expect(runAnalysis("feed-autoplay")).rejects.toBeInstanceOf(AnalysisInProgressError);
    expect((await prisma.snapshot.findUnique({ where: { id: live.id } }))?.status).toBe("running");
    await prisma.snapshot.update({ where: { id: live.id }, data: { status: "failed", activeExperimentId: null } });
  });

  it("a run whose process is gone (same machine) is marked interrupted at once, and the new run proceeds", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    const dead = await activeRow("feed-autoplay", { host: hostname(), pid: deadPid() }); // fresh heartbeat
    const next = await runAnalysis("feed-autoplay");
    expect(next.status).toBe("succeeded");
    const old = await prisma.snapshot.findUnique({ where: { id: dead.id } });
    expect(old).toMatchObject({ status: "failed", activeExperimentId: null });
    expect(old?.error).toMatch(/^interrupted: /);
    expect(old?.finishedAt).not.toBeNull();
  });

  it("a run naming this process' pid that this process does not own belongs to an earlier process (restarted container)", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    const stale = await activeRow("button-color-aa", { host: hostname(), pid: process.pid });
    expect((await runAnalysis("button-color-aa")).status).toBe("succeeded");
    expect((await prisma.snapshot.findUnique({ where: { id: stale.id } }))?.status).toBe("failed");
  });

  it("a queued run keeps its heartbeat fresh, so it is not taken for dead while it waits", async () => {
    const { runAnalysis, AnalysisInProgressError } = await import("@/lib/analysis/run-analysis");
    const { inAnalysisSlot } = await import("@/lib/analysis/analysis-queue");
    const { prisma } = await import("@/lib/db");
    configure({ ANALYSIS_CONCURRENCY: "1", RUN_LEASE_MS: "400" });
    try {
      const blocker = inAnalysisSlot(() => new Promise((r) => setTimeout(r, 1500)));
      const waiting = runAnalysis("pricing-banner-srm");
      await new Promise((r) => setTimeout(r, 1000)); // 2.5 leases
      const row = await prisma.snapshot.findUnique({ where: { activeExperimentId: "pricing-banner-srm" } });
      expect(row?.status).toBe("queued");
      expect(Date.now() - row!.heartbeatAt!.getTime()).toBeLessThan(400);
      await expect(runAnalysis("pricing-banner-srm")).rejects.toBeInstanceOf(AnalysisInProgressError);
      await blocker;
      expect((await waiting).status).toBe("succeeded");
    } finally {
      configure({ RUN_LEASE_MS: "60000" });
    }
  });

  it("the migration marks runs the previous version left running as interrupted", async () => {
    const { migrate, readMigrations } = await import("@/lib/db/migrate");
    const url = `file:${path.join(env.dir, "old.db")}`;
    const init = readMigrations("sqlite").filter((m) => m.name === "20261121000000_init"); // a SQLite file, whichever database the suite runs on
    await migrate(url, init);
    const db = createClient({ url });
    try {
      await db.execute(`INSERT INTO "Experiment" (id, name, startDate, controlVariant, updatedAt) VALUES ('e', 'E', '2026-01-01', 'a', '2026-01-01T00:00:00.000+00:00')`);
      await db.execute(`INSERT INTO "Snapshot" (experimentId, status, warehouse, startedAt) VALUES ('e', 'running', 'duckdb', '2026-01-01T00:00:00.000+00:00'), ('e', 'succeeded', 'duckdb', '2026-01-01T00:00:00.000+00:00')`);
      expect(await migrate(url)).toContain("20261130000000_run_owner");
      const rows = (await db.execute(`SELECT status, error, finishedAt, activeExperimentId FROM "Snapshot" ORDER BY id`)).rows;
      expect(rows[0]).toMatchObject({ status: "failed", activeExperimentId: null });
      expect(String(rows[0]!.error)).toMatch(/^interrupted: /);
      expect(String(rows[0]!.finishedAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+00:00$/);
      expect(rows[1]).toMatchObject({ status: "succeeded", error: null });
    } finally {
      db.close();
    }
  });
});
