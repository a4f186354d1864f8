import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { useTempEnvironment } from "../support/temp-env";
import { numericDifference, watchSpill } from "../support/spill";

// Issue 9, finding 1: two refreshes of different experiments at once crashed the server
// (each analysis opened its own DuckDB instance on the file, sharing one spill folder). Here
// several analyses run at once in ONE process on a warehouse that does not fit the memory limit,
// so they really spill; all must succeed with the numbers of sequential runs.

const env = useTempEnvironment("concurrent");
const IDS = ["checkout-redesign", "feed-autoplay", "onboarding-three-arm"];

function configure(vars: Record<string, string>) {
  Object.assign(process.env, vars);
  resetConfig();
}

beforeAll(async () => {
  // 200k users in 200 MB for all analyses together: together they spill a few MB (tens of MB before
  // the cohort was joined inline); a lower limit runs out of memory
  configure({ DUCKDB_MEMORY_LIMIT: "200MB", DUCKDB_IDLE_CLOSE_MS: "0" });
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  const { DEFAULT_SEED } = await import("@/lib/demo/plan");
  await migrate();
  await seedWarehouse(env.warehouse, DEFAULT_SEED);
  await registerDemoExperiments(DEFAULT_SEED.days);
}, 180_000);
afterAll(() => env.cleanup());

describe("concurrent analyses in one process", () => {
  it("different experiments at once on one spilling warehouse: all succeed, numbers equal sequential runs, one DuckDB instance", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { duckDbInstanceState } = await import("@/lib/warehouse/duckdb-instances");
    configure({ ANALYSIS_CONCURRENCY: "3" });

    const sequential = [];
    for (const id of IDS) sequential.push(await runAnalysis(id));
    for (const s of sequential) expect(s.status, s.error ?? "").toBe("succeeded");

    let mostLeases = 0;
    const leases = setInterval(() => (mostLeases = Math.max(mostLeases, duckDbInstanceState(env.warehouse).leases)), 10);
    const spill = watchSpill(env.warehouse);
    const together = await Promise.all(IDS.map((id) => runAnalysis(id)));
    const spilled = spill.stop();
    clearInterval(leases);

    for (const s of together) expect(s.status, s.error ?? "").toBe("succeeded");
    expect(spilled, "the analyses spilled to disk").toBeGreaterThan(1024 ** 2);
    expect(mostLeases, "three leases on the one shared instance").toBe(3);
    for (const [i, s] of together.entries()) {
      expect(numericDifference(JSON.parse(s.sufficientStats!), JSON.parse(sequential[i]!.sufficientStats!)), IDS[i]).toBeNull();
    }
    expect(duckDbInstanceState(env.warehouse)).toEqual({ open: false, leases: 0 }); // closed when idle (0 ms here)
  });

  it("ANALYSIS_CONCURRENCY=1: one analysis at a time, the others queued", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { analysisQueueState } = await import("@/lib/analysis/analysis-queue");
    const { prisma } = await import("@/lib/db");
    configure({ ANALYSIS_CONCURRENCY: "1" });

    let mostRunning = 0;
    let sawQueue = false;
    let sawQueuedRows = false;
    const poll = setInterval(() => {
      const q = analysisQueueState();
      mostRunning = Math.max(mostRunning, q.running);
      if (q.waiting === 2) sawQueue = true;
    }, 5);
    const rows = setInterval(() => {
      void prisma.snapshot.findMany({ where: { activeExperimentId: { not: null } } }).then((active) => {
        const statuses = active.map((r) => r.status).sort().join(",");
        if (statuses === "queued,queued,running") sawQueuedRows = true;
      });
    }, 50);
    const runs = await Promise.all(IDS.map((id) => runAnalysis(id)));
    clearInterval(poll);
    clearInterval(rows);

    for (const s of runs) expect(s.status, s.error ?? "").toBe("succeeded");
    expect(mostRunning).toBe(1);
    expect(sawQueue).toBe(true);
    expect(sawQueuedRows, "the waiting runs are stored as queued").toBe(true);
    // never two at once: in the order they ran (claims may reach the database in any order), each
    // started after the previous one finished
    const spans = runs
      .map((r) => ({ start: r.finishedAt!.getTime() - r.durationMs!, end: r.finishedAt!.getTime() }))
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end - 5);
  });
});
