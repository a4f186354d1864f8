import { existsSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { startCli, waitFor } from "../support/cli-process";
import { folderBytes } from "../support/spill";
import { useTempEnvironment } from "../support/temp-env";

// Issue 9, findings 1, 2 and 14 across processes: the real CLI (`npm run analyze`) beside other
// processes on one DuckDB file that does not fit the memory limit. Two processes wait for each
// other or fail cleanly, never crash; a killed analysis neither blocks the experiment nor leaves
// its spill files behind.

const env = useTempEnvironment("processes");
// measured on the 200k-user warehouse: each demo analysis spills 1–6 MB to disk at 80MB (none at
// 100MB since the cohort is joined inline) and runs out of memory at 60MB
const SPILLING = { DUCKDB_MEMORY_LIMIT: "80MB" };

beforeAll(async () => {
  Object.assign(process.env, { DUCKDB_MEMORY_LIMIT: "200MB", DUCKDB_IDLE_CLOSE_MS: "0" });
  resetConfig();
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  const { DEFAULT_SEED } = await import("@/lib/demo/plan");
  await migrate();
  await seedWarehouse(env.warehouse, DEFAULT_SEED);
  await registerDemoExperiments(DEFAULT_SEED.days);
}, 180_000);
afterAll(() => env.cleanup());

function oneCleanLine(stderr: string) {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  expect(stderr).not.toMatch(/Segmentation|core dumped|FATAL/i);
  return lines[0]!;
}

describe("processes sharing one DuckDB file", () => {
  it("three CLI analyses of different experiments at once on a spilling warehouse all succeed", async () => {
    const ids = ["checkout-redesign", "feed-autoplay", "onboarding-three-arm"];
    const runs = ids.map((id) => startCli("analyze.ts", [id, "--json"], SPILLING));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const [i, r] of results.entries()) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).snapshot.status).toBe("succeeded");
      expect(JSON.parse(r.stdout).experiment.id).toBe(ids[i]);
    }
  }, 180_000);

  it("a CLI waits while another process holds the file, then succeeds; with a short DUCKDB_LOCK_WAIT_MS it fails cleanly", async () => {
    const { acquireDuckDb } = await import("@/lib/warehouse/duckdb-instances");
    const { prisma } = await import("@/lib/db");
    const held = await acquireDuckDb(env.warehouse); // this process plays the server

    const impatient = await startCli("analyze.ts", ["button-color-aa"], { DUCKDB_LOCK_WAIT_MS: "500" }).done;
    expect(impatient.code).toBe(1);
    const line = oneCleanLine(impatient.stderr);
    expect(line).toMatch(/analysis failed \(snapshot #?\d+\): the DuckDB warehouse is in use by another process/);
    const failed = await prisma.snapshot.findFirst({ where: { experimentId: "button-color-aa" }, orderBy: { id: "desc" } });
    expect(failed).toMatchObject({ status: "failed", activeExperimentId: null });
    expect(failed!.error).not.toContain(env.dir); // no paths …
    expect(failed!.error).not.toMatch(/PID|\b\d{3,}\b/); // … and no process ids on the page

    const patient = startCli("analyze.ts", ["button-color-aa", "--json"], { DUCKDB_LOCK_WAIT_MS: "60000" });
    // it is waiting for the file, not failing: still running with its run queued or running
    const waiting = await waitFor(async () => {
      const row = await prisma.snapshot.findFirst({ where: { activeExperimentId: "button-color-aa" } });
      return row?.status === "running" ? row : undefined;
    }, 30_000);
    expect(waiting, "the CLI's run became active").toBeDefined();
    await new Promise((r) => setTimeout(r, 1500));
    expect(patient.child.exitCode).toBeNull();
    expect((await held.connection.runAndReadAll("SELECT count(*) AS n FROM users")).getRowObjectsJS()[0]!.n).toBe(200_000n);
    held.release({ closeInstance: true });
    const r = await patient.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).snapshot.status).toBe("succeeded");
  }, 120_000);

  it("kill -9 of a CLI analysis mid-run: a new analysis proceeds at once, the dead run is failed, its spill files are removed", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    const cli = startCli("analyze.ts", ["checkout-redesign"], SPILLING);
    // the analysis process (tsx runs the script in a child of its own) is the run's owner
    const victim = await waitFor(async () => {
      const row = await prisma.snapshot.findFirst({ where: { activeExperimentId: "checkout-redesign", status: "running" } });
      if (!row?.ownerPid) return undefined;
      return folderBytes(`${env.warehouse}.tmp/${row.ownerPid}`) > 0 ? row : undefined;
    }, 60_000, 5);
    expect(victim, "the CLI analysis was caught running and spilling").toBeDefined();
    process.kill(victim!.ownerPid!, "SIGKILL");
    const exit = await cli.done;
    expect(exit.code).not.toBe(0);
    expect(existsSync(`${env.warehouse}.tmp/${victim!.ownerPid}`), "the killed run left spill files").toBe(true);

    const next = await runAnalysis("checkout-redesign");
    expect(next.status, next.error ?? "").toBe("succeeded");
    const dead = await prisma.snapshot.findUnique({ where: { id: victim!.id } });
    expect(dead).toMatchObject({ status: "failed", activeExperimentId: null });
    expect(dead!.error).toMatch(/^interrupted: /);
    const left = existsSync(`${env.warehouse}.tmp`) ? readdirSync(`${env.warehouse}.tmp`) : [];
    expect(left).not.toContain(String(victim!.ownerPid));
  }, 120_000);
});
