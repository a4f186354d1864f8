import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LockHolder } from "../support/app-db-lock";
import { startCli } from "../support/cli-process";
import { useTempEnvironment } from "../support/temp-env";

// Issue 9, finding 4: another connection holding the app database's write lock for a moment made
// list, results and refresh fail and the CLI fail with SQLITE_BUSY (busy_timeout was 0). The lock
// is held by another process, as the server or a CLI would. (Losing a finished run's result:
// final-write-retry.sqlite.test.ts.)

// SQLite's write lock is the subject, so this file runs on SQLite in the PostgreSQL pass too
delete process.env.TEST_POSTGRES_URL;
const env = useTempEnvironment("app-db-busy");

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
  await env.cleanup();
});

describe("the app database while another process writes", () => {
  it("is in WAL mode", async () => {
    const { prisma } = await import("@/lib/db");
    const rows = await prisma.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    expect(rows[0]?.journal_mode).toBe("wal");
  });

  it("list, results, refresh and the CLI wait out a write lock held for a few seconds", async () => {
    const { listOverview } = await import("@/lib/ui/experiment-list");
    const { loadResultsDocument } = await import("@/lib/analysis/results-document");
    const { getExperiment } = await import("@/lib/analysis/experiments");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    expect((await runAnalysis("checkout-redesign")).status).toBe("succeeded"); // something to show

    const cli = startCli("analyze.ts", ["feed-autoplay", "--json"]); // reaches the database while it is locked
    const { released } = await holder.lock(3000);
    const list = await listOverview();
    expect(list.map((e) => e.id)).toContain("checkout-redesign");
    const doc = await loadResultsDocument((await getExperiment("checkout-redesign"))!);
    expect(doc.snapshot?.status).toBe("succeeded");
    const refreshed = await runAnalysis("checkout-redesign");
    expect(refreshed.status, refreshed.error ?? "").toBe("succeeded");
    await released;
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).snapshot.status).toBe("succeeded");
  }, 60_000);
});
