import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { sleep, startCli, waitFor } from "../support/cli-process";
import { useTempEnvironment } from "../support/temp-env";

// The warehouse file's life in a process (lib/warehouse/duckdb-instances.ts): spill folders,
// closing when idle so another process can take the file, and seeding that waits for the file
// instead of pulling it from under a process that has it open.

const env = useTempEnvironment("duckdb-file");

function configure(vars: Record<string, string>) {
  Object.assign(process.env, vars);
  resetConfig();
}

async function userCount(file: string): Promise<number> {
  const { acquireDuckDb } = await import("@/lib/warehouse/duckdb-instances");
  const lease = await acquireDuckDb(file);
  try {
    return Number((await lease.connection.runAndReadAll("SELECT count(*) AS n FROM users")).getRowObjectsJS()[0]!.n);
  } finally {
    lease.release();
  }
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

beforeAll(async () => {
  configure({ DUCKDB_IDLE_CLOSE_MS: "0" });
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 3000, days: 14, seed: 3 });
});
afterAll(() => env.cleanup());

describe("the analysis instance's settings", () => {
  it("caps DuckDB's memory at 1GB unless DUCKDB_MEMORY_LIMIT says otherwise, and hands freed memory back early", async () => {
    const { acquireDuckDb } = await import("@/lib/warehouse/duckdb-instances");
    delete process.env.DUCKDB_MEMORY_LIMIT;
    resetConfig();
    const setting = async (memoryLimit?: string) => {
      const lease = await acquireDuckDb(env.warehouse, memoryLimit ? { memoryLimit } : {});
      try {
        const row = (await lease.connection.runAndReadAll("SELECT current_setting('memory_limit') AS m, current_setting('allocator_flush_threshold') AS f")).getRowObjectsJS()[0]!;
        return [String(row.m), String(row.f)];
      } finally {
        lease.release();
      }
    };
    // DuckDB reports sizes in binary units: 1GB = 953.6 MiB, 16MB = 15.2 MiB
    expect(await setting()).toEqual(["953.6 MiB", "15.2 MiB"]);
    await new Promise((r) => setTimeout(r, 50)); // the idle instance closes (DUCKDB_IDLE_CLOSE_MS=0) before one with other settings opens
    expect((await setting("1.5GB"))[0]).toBe("1.3 GiB");
  });
});

describe("spill files", () => {
  it("stray spill files and dead processes' folders are removed when the file is opened; live processes' folders stay", async () => {
    const { acquireDuckDb, spillDirectory } = await import("@/lib/warehouse/duckdb-instances");
    const tmp = `${env.warehouse}.tmp`;
    const dead = deadPid();
    mkdirSync(path.join(tmp, String(dead)), { recursive: true });
    writeFileSync(path.join(tmp, String(dead), "duckdb_temp_storage_S32K-0.tmp"), Buffer.alloc(1 << 20));
    writeFileSync(path.join(tmp, "duckdb_temp_storage_S96K-0.tmp"), Buffer.alloc(1 << 20)); // the layout before per-process folders
    mkdirSync(path.join(tmp, String(process.ppid)), { recursive: true }); // a live process
    writeFileSync(path.join(tmp, String(process.ppid), "duckdb_temp_storage_S32K-0.tmp"), "x");

    const lease = await acquireDuckDb(env.warehouse);
    expect(readdirSync(tmp).sort()).toEqual([String(process.pid), String(process.ppid)].sort());
    expect(spillDirectory(env.warehouse)).toBe(path.join(tmp, String(process.pid)));
    lease.release();
    expect(readdirSync(tmp)).toEqual([String(process.ppid)]); // ours removed at close
  });
});

describe("one instance per file, closed when idle", () => {
  it("leases share the instance; after DUCKDB_IDLE_CLOSE_MS unused it is closed and another process can take the file", async () => {
    const { acquireDuckDb, duckDbInstanceState } = await import("@/lib/warehouse/duckdb-instances");
    configure({ DUCKDB_IDLE_CLOSE_MS: "6000" });
    try {
      const a = await acquireDuckDb(env.warehouse);
      const b = await acquireDuckDb(env.warehouse);
      expect(duckDbInstanceState(env.warehouse)).toEqual({ open: true, leases: 2 });
      a.release();
      b.release();
      const released = Date.now();
      expect(duckDbInstanceState(env.warehouse)).toEqual({ open: true, leases: 0 });
      // another process that will not wait: refused while the idle instance is still open
      const refused = await startCli("metric-check.ts", ["purchases"], { DUCKDB_LOCK_WAIT_MS: "0" }).done;
      expect(Date.now() - released).toBeLessThan(6000); // (the check above ran inside the idle period)
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/in use by another process/);
      expect(await waitFor(() => (duckDbInstanceState(env.warehouse).open ? undefined : true), 10_000)).toBe(true);
      const taken = await startCli("metric-check.ts", ["purchases"], { DUCKDB_LOCK_WAIT_MS: "0" }).done;
      expect(taken.code, taken.stderr).toBe(0);
    } finally {
      configure({ DUCKDB_IDLE_CLOSE_MS: "0" });
    }
  }, 60_000);
});

describe("seeding takes the file properly", () => {
  it("in one process: the new warehouse is swapped in only after the open lease is given back", async () => {
    const { acquireDuckDb } = await import("@/lib/warehouse/duckdb-instances");
    const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
    const held = await acquireDuckDb(env.warehouse);
    let finished = false;
    const seeding = seedWarehouse(env.warehouse, { users: 2000, days: 14, seed: 4 }).then((s) => ((finished = true), s));
    await sleep(2500); // long enough to build 2,000 users
    expect(finished).toBe(false);
    expect((await held.connection.runAndReadAll("SELECT count(*) AS n FROM users")).getRowObjectsJS()[0]!.n).toBe(3000n);
    held.release();
    expect((await seeding).users).toBe(2000);
    expect(await userCount(env.warehouse)).toBe(2000);
  });

  it("`npm run seed` while another process holds the file: waits, or fails in one clean line and leaves both the file and the holder intact", async () => {
    const { acquireDuckDb } = await import("@/lib/warehouse/duckdb-instances");
    const held = await acquireDuckDb(env.warehouse);
    const impatient = await startCli("seed.ts", ["--users", "1000", "--days", "7"], { DUCKDB_LOCK_WAIT_MS: "500" }).done;
    expect(impatient.code).toBe(1);
    const lines = impatient.stderr.trim().split("\n");
    expect(lines, impatient.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: the DuckDB warehouse is in use by another process/);
    expect((await held.connection.runAndReadAll("SELECT count(*) AS n FROM users")).getRowObjectsJS()[0]!.n).toBe(2000n);
    expect(readdirSync(env.dir).filter((f) => f.includes(".building-"))).toEqual([]);

    const patient = startCli("seed.ts", ["--users", "1000", "--days", "7"], { DUCKDB_LOCK_WAIT_MS: "60000" });
    await sleep(4000);
    expect(patient.child.exitCode).toBeNull(); // built, and waiting for the file
    expect((await held.connection.runAndReadAll("SELECT count(*) AS n FROM users")).getRowObjectsJS()[0]!.n).toBe(2000n);
    held.release();
    const r = await patient.done;
    expect(r.code, r.stderr).toBe(0);
    expect(await userCount(env.warehouse)).toBe(1000);
    expect(existsSync(`${env.warehouse}.wal`)).toBe(false);
  }, 90_000);
});
