import { rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { FakeBigQuery } from "../../support/fake-bigquery";
import { useTempEnvironment } from "../../support/temp-env";

// Background analyses through the real route handlers (refresh → 202, status, cancel) on a real
// app database and DuckDB warehouse, and against the fake BigQuery service for what only a remote
// warehouse shows (jobs started, jobs cancelled).

const env = useTempEnvironment("jobs");
let writeKey: string;
let readKey: string;
let fake: FakeBigQuery;
const savedEmulatorHost = process.env.BIGQUERY_EMULATOR_HOST;

function configure(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfig();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const routeCtx = <P>(p: P) => ({ params: Promise.resolve(p) });

async function refresh(id: string, key: string | null = writeKey): Promise<{ status: number; body: Record<string, unknown> }> {
  const { POST } = await import("@/app/api/experiments/[id]/refresh/route");
  const res = await POST(new Request(`http://app.test/api/experiments/${id}/refresh`, { method: "POST", headers: key ? { authorization: `Bearer ${key}` } : {} }), routeCtx({ id }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function runStatusOf(runId: number, key = readKey): Promise<{ status: number; body: Record<string, unknown> }> {
  const { GET } = await import("@/app/api/runs/[runId]/route");
  const res = await GET(new Request(`http://app.test/api/runs/${runId}`, { headers: { authorization: `Bearer ${key}` } }), routeCtx({ runId: String(runId) }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function cancel(runId: number, key = writeKey): Promise<{ status: number; body: Record<string, unknown> }> {
  const { POST } = await import("@/app/api/runs/[runId]/cancel/route");
  const res = await POST(new Request(`http://app.test/api/runs/${runId}/cancel`, { method: "POST", headers: { authorization: `Bearer ${key}` } }), routeCtx({ runId: String(runId) }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function settled() {
  const { backgroundAnalysesSettled } = await import("@/lib/jobs/analysis-jobs");
  await backgroundAnalysesSettled();
}

beforeAll(async () => {
  delete process.env.BIGQUERY_EMULATOR_HOST;
  configure({ ANALYSIS_CONCURRENCY: "1", ANALYSES_PER_HOUR: "1000", DUCKDB_IDLE_CLOSE_MS: "0" });
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  const { createApiKey } = await import("@/lib/auth/api-keys");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 3000, days: 14, seed: 3 });
  await registerDemoExperiments(14);
  writeKey = (await createApiKey({ name: "ci", scope: "write" }, null)).key;
  readKey = (await createApiKey({ name: "dash", scope: "read" }, null)).key;
  fake = await FakeBigQuery.start("acme");
});
afterAll(async () => {
  await fake?.close();
  if (savedEmulatorHost !== undefined) process.env.BIGQUERY_EMULATOR_HOST = savedEmulatorHost;
  await env.cleanup();
});

describe("refresh answers at once and the analysis goes on in the background", () => {
  it("ten concurrent refreshes of one experiment: one 202 with the run, nine 409 naming it, one new run, which succeeds", async () => {
    const { prisma } = await import("@/lib/db");
    const before = await prisma.snapshot.count({ where: { experimentId: "checkout-redesign" } });
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh("checkout-redesign")));
    const started = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 409);
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(9);
    const runId = started[0]!.body.runId as number;
    expect(started[0]!.body).toMatchObject({ status: "queued", statusUrl: `/api/runs/${runId}`, requestedBy: "API key “ci”" });
    for (const r of refused) expect((r.body.active as { id: number } | null)?.id ?? runId).toBe(runId);
    expect(await prisma.snapshot.count({ where: { experimentId: "checkout-redesign" } })).toBe(before + 1);
    await settled();
    const done = await runStatusOf(runId);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: runId, status: "succeeded", statement: null, cancelRequested: false, error: null });
    expect(done.body.elapsedMs as number).toBeGreaterThan(0);
    expect(await prisma.snapshot.count({ where: { experimentId: "checkout-redesign" } })).toBe(before + 1);
    // the audit log says who started it, naming the run by its number within the experiment (as the page does)
    const audit = await prisma.auditEvent.findFirst({ where: { action: "analysed", targetId: String(runId) } });
    expect(audit).toMatchObject({ actorType: "key", actorName: "API key “ci”", experimentId: "checkout-redesign" });
    const number = (await prisma.snapshot.findUniqueOrThrow({ where: { id: runId } })).number!;
    expect(audit!.summary).toMatch(new RegExp(`^snapshot #${number} started \\(`));
    // an entry written before runs were named so reads the same on the page and in the export
    const { showAuditEntries } = await import("@/lib/audit/shown");
    const [shown, old] = await showAuditEntries([audit!, { ...audit!, summary: `analysis #${runId} started (refresh)` }]);
    expect(shown).toMatchObject({ target: `snapshot #${number}`, snapshotNumber: number });
    expect(old!.summary).toBe(`snapshot #${number} started (refresh)`);
  });

  it("the status shows queued while another analysis holds the one slot, then running with the statement", async () => {
    const { inAnalysisSlot } = await import("@/lib/analysis/analysis-queue");
    let release!: () => void;
    const blocker = inAnalysisSlot(() => new Promise<void>((r) => (release = r)));
    const { body } = await refresh("feed-autoplay");
    const runId = body.runId as number;
    await sleep(300);
    const queued = await runStatusOf(runId);
    expect(queued.body).toMatchObject({ status: "queued", runningAt: null });
    expect(queued.body.elapsedMs as number).toBeGreaterThanOrEqual(250);
    release();
    await blocker;
    await settled();
    expect((await runStatusOf(runId)).body.status).toBe("succeeded");
  });

  it("a cancel while queued ends the run at once, without touching the warehouse; the experiment may be analysed again", async () => {
    const { inAnalysisSlot } = await import("@/lib/analysis/analysis-queue");
    const { prisma } = await import("@/lib/db");
    let release!: () => void;
    const blocker = inAnalysisSlot(() => new Promise<void>((r) => (release = r)));
    const runId = (await refresh("button-color-aa")).body.runId as number;
    const answer = await cancel(runId);
    expect(answer.status).toBe(202);
    const ended = await until("the cancel", async () => {
      const s = (await runStatusOf(runId)).body;
      return s.status === "cancelled" ? s : null;
    }, 3000);
    expect(ended).toMatchObject({ cancelRequested: true, error: "cancelled by API key “ci”" });
    expect((await prisma.snapshot.findUniqueOrThrow({ where: { id: runId } })).runningAt).toBeNull(); // never ran
    expect((await cancel(runId)).status).toBe(409); // finished already
    expect((await refresh("button-color-aa")).status).toBe(202); // claimable again while the slot is still held
    release();
    await blocker;
    await settled();
    const audit = await prisma.auditEvent.findFirst({ where: { action: "cancelled", targetId: String(runId) } });
    expect(audit?.summary).toMatch(/cancelled while queued/);
  });

  it("a run whose process died is marked failed at the next start, and a status read marks it too", async () => {
    const { prisma } = await import("@/lib/db");
    const { startServerDuties } = await import("@/lib/server-start");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const row = (id: string) =>
      prisma.snapshot.create({
        data: { experimentId: id, activeExperimentId: id, status: "running", warehouse: "duckdb", ownerHost: hostname(), ownerPid: Number(dead.stdout), heartbeatAt: new Date() },
      });
    const a = await row("onboarding-three-arm");
    await startServerDuties();
    expect(await prisma.snapshot.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: "failed", activeExperimentId: null });
    const b = await row("onboarding-three-arm");
    expect((await runStatusOf(b.id)).body).toMatchObject({ status: "failed", error: expect.stringMatching(/^interrupted: /) });
  });

  it("a failure that is not the warehouse's shows a reference id, never a path, a stack or an error code", async () => {
    const { prisma } = await import("@/lib/db");
    const { duckDbInstanceState } = await import("@/lib/warehouse/duckdb-instances");
    await until("the warehouse to close", async () => !duckDbInstanceState(env.warehouse).open);
    // the spill folder's parent is a file: opening the warehouse fails in the file system (ENOTDIR), not in DuckDB
    const spillParent = `${env.warehouse}.tmp`;
    rmSync(spillParent, { recursive: true, force: true });
    writeFileSync(spillParent, "not a folder");
    configure({ DUCKDB_IDLE_CLOSE_MS: "60000" });
    try {
      const runId = (await refresh("pricing-banner-srm")).body.runId as number;
      await settled();
      const { body } = await runStatusOf(runId);
      expect(body.status).toBe("failed");
      const error = String(body.error);
      expect(error).toMatch(/^the analysis failed: an internal error occurred \(reference [0-9a-f]{8}; the details are in the server log\)$/);
      const stored = (await prisma.snapshot.findUniqueOrThrow({ where: { id: runId } })).error ?? "";
      for (const shown of [error, stored]) {
        expect(shown).not.toContain(env.dir);
        expect(shown).not.toMatch(/ENOTDIR|\bat \S+:\d+|\/tmp\//);
      }
      const { GET } = await import("@/app/api/experiments/[id]/results/route");
      const res = await GET(new Request("http://app.test/api/experiments/pricing-banner-srm/results", { headers: { authorization: `Bearer ${readKey}` } }), routeCtx({ id: "pricing-banner-srm" }));
      expect(((await res.json()) as { lastFailure: { error: string } }).lastFailure.error).toBe(error);
      // an instance whose spill folder could not be made is not kept: the file is free at once,
      // and the next analysis opens it anew (it reused the broken one, without a spill folder, before)
      expect(duckDbInstanceState(env.warehouse)).toEqual({ open: false, leases: 0 });
    } finally {
      rmSync(spillParent, { force: true });
      configure({ DUCKDB_IDLE_CLOSE_MS: "0" });
    }
  });

  it("closing the warehouse tolerates a spill folder that cannot be removed (the file is let go all the same)", async () => {
    const { acquireDuckDb, duckDbInstanceState } = await import("@/lib/warehouse/duckdb-instances");
    const lease = await acquireDuckDb(env.warehouse);
    const spillParent = `${env.warehouse}.tmp`;
    try {
      rmSync(spillParent, { recursive: true, force: true });
      writeFileSync(spillParent, "not a folder");
      expect(() => lease.release()).not.toThrow(); // idle close is 0 ms here: it closes now
      expect(duckDbInstanceState(env.warehouse)).toEqual({ open: false, leases: 0 });
    } finally {
      rmSync(spillParent, { force: true });
    }
  });

  it("analyses are rate-limited per caller (429 with Retry-After), not for everyone", async () => {
    const { createApiKey } = await import("@/lib/auth/api-keys");
    const { prisma } = await import("@/lib/db");
    configure({ ANALYSES_PER_HOUR: "2" });
    try {
      const a = (await createApiKey({ name: "a", scope: "write" }, null)).key;
      const b = (await createApiKey({ name: "b", scope: "write" }, null)).key;
      const runs = await prisma.snapshot.count();
      expect((await refresh("no-such-experiment", a)).status).toBe(404);
      expect((await refresh("no-such-experiment", a)).status).toBe(404);
      const third = await refresh("checkout-redesign", a);
      expect(third.status).toBe(429);
      expect(third.body.error).toMatch(/at most 2 analyses per hour/);
      expect(await prisma.snapshot.count()).toBe(runs); // refused before anything was claimed
      expect((await refresh("no-such-experiment", b)).status).toBe(404); // another key has its own count
    } finally {
      configure({ ANALYSES_PER_HOUR: "1000" });
    }
  });

  it("refresh needs a write credential: none → 401, a read key → 403; status reads need at least a read key", async () => {
    expect((await refresh("checkout-redesign", null)).status).toBe(401);
    expect((await refresh("checkout-redesign", readKey)).status).toBe(403);
    expect((await runStatusOf(1, readKey)).status).toBe(200);
    const { GET } = await import("@/app/api/runs/[runId]/route");
    expect((await GET(new Request("http://app.test/api/runs/1"), routeCtx({ runId: "1" }))).status).toBe(401);
    expect((await runStatusOf(999_999)).status).toBe(404);
  });
});

describe("cancelling reaches the warehouse", () => {
  it("BigQuery: ten concurrent enqueues start the jobs of one analysis only; a cancel sends jobs.cancel for the running job", async () => {
    const { enqueueAnalysis, backgroundAnalysesSettled } = await import("@/lib/jobs/analysis-jobs");
    const { AnalysisInProgressError } = await import("@/lib/analysis/run-analysis");
    const { BigQueryWarehouse } = await import("@/lib/warehouse/bigquery");
    const { prisma } = await import("@/lib/db");
    fake.reset({ incompletePolls: Number.POSITIVE_INFINITY, pollDelayMs: 20 });
    const warehouse = new BigQueryWarehouse(fake.config({ dataset: "product_events", maxBytes: 50_000_000_000 }));
    const actor = { kind: "system", name: "test" } as const;
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => enqueueAnalysis("checkout-redesign", { reason: "test", actor, warehouse })));
    const ran = outcomes.filter((o) => o.status === "fulfilled");
    expect(ran).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toBeInstanceOf(AnalysisInProgressError);
    const runId = (ran[0] as PromiseFulfilledResult<{ id: number }>).value.id;

    const insert = await fake.waitFor("jobs.insert");
    const running = await until("the run to show its statement", async () => {
      const s = (await runStatusOf(runId)).body;
      return s.status === "running" && s.statement === "aggregates" ? s : null;
    });
    expect(running.runningAt).not.toBeNull();
    expect(fake.requestsTo("jobs.insert")).toHaveLength(1); // one analysis, its first statement

    expect((await cancel(runId)).status).toBe(202);
    await backgroundAnalysesSettled();
    const cancels = fake.requestsTo("jobs.cancel");
    expect(cancels).toHaveLength(1);
    expect(cancels[0]!.jobId).toBe(insert.jobId);
    expect(fake.jobs.get(insert.jobId!)?.cancelled).toBe(true);
    expect(fake.requestsTo("jobs.insert")).toHaveLength(1); // the time-series statement never started
    expect(await prisma.snapshot.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: "cancelled",
      error: "cancelled by API key “ci”",
      activeExperimentId: null,
      currentStatement: null,
    });
  });

  it("DuckDB: a run waiting for the file (another process holds it) stops waiting when cancelled", async () => {
    const { duckDbInstanceState } = await import("@/lib/warehouse/duckdb-instances");
    await until("this process to let go of the file", async () => !duckDbInstanceState(env.warehouse).open);
    const holder = spawn(path.join(process.cwd(), "node_modules", ".bin", "tsx"), ["tests/support/hold-warehouse.ts", env.warehouse], { stdio: ["pipe", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (c: Buffer) => c.toString().includes("held") && resolve());
        holder.on("exit", (code) => reject(new Error(`the holder exited (${code})`)));
      });
      const runId = (await refresh("onboarding-three-arm")).body.runId as number;
      const waiting = await until("the run to wait for the file", async () => {
        const s = (await runStatusOf(runId)).body;
        return s.status === "running" && s.statement === "opening the warehouse" ? s : null;
      });
      expect(waiting.cancelRequested).toBe(false);
      const asked = Date.now();
      expect((await cancel(runId)).status).toBe(202);
      const ended = await until("the cancel", async () => {
        const s = (await runStatusOf(runId)).body;
        return s.status === "cancelled" ? s : null;
      }, 5000);
      expect(Date.now() - asked).toBeLessThan(3000); // not the 30 s lock wait
      expect(ended.error).toBe("cancelled by API key “ci”");
    } finally {
      holder.kill("SIGTERM");
      await settled();
    }
  });

  it("DuckDB: a cancel interrupts the lease's connection mid-statement, which then serves the next query", async () => {
    const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
    const wh = await DuckDbWarehouse.open({ path: env.warehouse });
    try {
      const controller = new AbortController();
      const started = Date.now();
      // minutes of work unless interrupted
      const slow = wh.query("SELECT sum(a.range * b.range) AS s FROM range(100000000) a, range(1000) b", {}, { signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      await expect(slow).rejects.toThrow(/query cancelled/);
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await wh.query("SELECT 42 AS answer")).rows).toEqual([{ answer: 42 }]);
    } finally {
      await wh.close();
    }
  });
});
