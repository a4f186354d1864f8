import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlParams, Warehouse } from "@/lib/warehouse/types";
import { LockHolder } from "../support/app-db-lock";
import { useTempEnvironment } from "../support/temp-env";

// Issue 9, finding 4: a write lock on the app database exactly when a run finished lost its result
// (the final update failed, the snapshot stayed "running"). Here the lock is held by another
// process for longer than SQLite's busy timeout (300 ms in this file), so only the retried final
// write can save the result.

// SQLite's write lock is the subject, so this file runs on SQLite in the PostgreSQL pass too
delete process.env.TEST_POSTGRES_URL;
const env = useTempEnvironment("final-write");
process.env.DATABASE_BUSY_TIMEOUT_MS = "300"; // before lib/db is first imported

let holder: LockHolder;

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 3000, days: 14, seed: 3 });
  await registerDemoExperiments(14);
  holder = new LockHolder(env.database);
  await holder.said("ready");
});
afterAll(async () => {
  holder.stop();
  delete process.env.DATABASE_BUSY_TIMEOUT_MS;
  await env.cleanup();
});

describe("the final write of a run", () => {
  it("is retried while another process holds the write lock past the busy timeout: the result is kept", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
    const { prisma } = await import("@/lib/db");
    const duck = await DuckDbWarehouse.open({ path: env.warehouse });
    let queries = 0;
    let released: Promise<void> | undefined;
    // the real warehouse; right after its last statement another process takes the lock for 2 s
    const wh: Warehouse = {
      kind: duck.kind,
      dialect: duck.dialect,
      maxBytes: duck.maxBytes,
      estimateBytes: () => duck.estimateBytes(),
      close: () => duck.close(),
      async query(sql: string, params?: SqlParams) {
        const result = await duck.query(sql, params);
        if (++queries === 2) released = (await holder.lock(2000)).released;
        return result;
      },
    };
    try {
      const s = await runAnalysis("button-color-aa", wh);
      expect(released, "the lock was taken before the final write").toBeDefined();
      expect(s.status, s.error ?? "").toBe("succeeded");
      const stored = await prisma.snapshot.findUnique({ where: { id: s.id } });
      expect(stored).toMatchObject({ status: "succeeded", activeExperimentId: null });
      expect(JSON.parse(stored!.sufficientStats!).slices[0].metrics.length).toBeGreaterThan(0);
    } finally {
      await released;
      await duck.close();
    }
  }, 60_000);
});
