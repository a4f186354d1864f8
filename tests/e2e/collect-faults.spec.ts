import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { expect, test } from "@playwright/test";
import { freePort, startAppServer, type AppServer } from "../../scripts/load/app-server";
import { driveCollection } from "../../scripts/load/collect-load";
import { createPostgresDatabase } from "../support/postgres-database";

// Issue 13's collection test under load and faults, against a real server of its own (the built
// app, its own app database and DuckDB file): 24,000 items from six concurrent clients, 10% of
// them duplicates and 5% malformed; the server is killed (SIGKILL) once in the middle and started
// again while the clients keep retrying. Afterwards the warehouse holds every acknowledged item
// exactly once and none of the rejected ones.

const dir = path.join(process.cwd(), "data", "e2e", "collect-faults");
const ITEMS = 24_000;

function keyFor(env: Record<string, string>, scope: string): string {
  return execFileSync(path.join("node_modules", ".bin", "tsx"), ["scripts/key-create.ts", "--scope", scope, "--name", `faults ${scope}`], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  }).trim();
}

async function warehouseCounts(file: string): Promise<Map<string, number>> {
  const instance = await DuckDBInstance.create(file, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT event_id, count(*) AS n FROM (SELECT event_id FROM exposures UNION ALL SELECT event_id FROM events) WHERE event_id IS NOT NULL GROUP BY event_id`,
    );
    return new Map(reader.getRowObjectsJS().map((r) => [String(r.event_id), Number(r.n)]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

test("collection under load with a SIGKILL mid-way: every acknowledged item lands exactly once, no rejected one", async () => {
  test.setTimeout(300_000);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const postgres = process.env.TEST_POSTGRES_URL ? createPostgresDatabase(process.env.TEST_POSTGRES_URL, "collect_faults") : null;
  const env: Record<string, string> = {
    DATABASE_URL: postgres?.url ?? `file:${path.join(dir, "app.db")}`,
    DUCKDB_PATH: path.join(dir, "warehouse.duckdb"),
    WAREHOUSE: "duckdb",
    COLLECT_FLUSH_MS: "500",
    COLLECT_BATCH_ITEMS: "3000",
    COLLECT_REQUESTS_PER_MINUTE: "1000000",
  };
  const clientKey = keyFor(env, "client");
  const readKey = keyFor(env, "read");
  const port = await freePort();
  let server: AppServer = await startAppServer({ port, env });
  let killed = false;
  let restarted: Promise<void> | null = null;
  try {
    const load = await driveCollection({
      endpoint: () => `${server.url}/api/collect`,
      clientKey,
      clients: 6,
      items: ITEMS,
      batchSize: 200,
      duplicateShare: 0.1,
      malformedShare: 0.05,
      giveUpMs: 120_000,
      onProgress: (acknowledged) => {
        if (!killed && acknowledged > ITEMS * 0.4) {
          killed = true;
          server.kill("SIGKILL");
          restarted = server.exited.then(async () => {
            server = await startAppServer({ port, env });
          });
        }
      },
    });
    expect(killed).toBe(true);
    await restarted;
    expect(load.misjudged).toEqual([]);
    expect(load.retries).toBeGreaterThan(0); // the clients did meet the dead server
    expect(load.acknowledged.size).toBeGreaterThan(ITEMS * 0.8);
    expect(load.malformed.size).toBeGreaterThan(ITEMS * 0.03);

    // the restarted server's flusher empties the inbox, including what the killed one had not moved
    await expect
      .poll(async () => ((await (await fetch(`${server.url}/api/collect/status`, { headers: { authorization: `Bearer ${readKey}` } })).json()) as { pending: number }).pending, {
        timeout: 60_000,
      })
      .toBe(0);
    await server.stop();

    const counts = await warehouseCounts(env.DUCKDB_PATH!);
    const missing = [...load.acknowledged].filter((id) => !counts.has(id));
    const twice = [...counts].filter(([, n]) => n > 1);
    const rejectedInWarehouse = [...load.malformed].filter((id) => counts.has(id));
    const unknown = [...counts.keys()].filter((id) => !load.acknowledged.has(id));
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
    expect(rejectedInWarehouse).toEqual([]);
    // an item whose answer was lost when the server died may be stored without being acknowledged;
    // its client sent it again and got it acknowledged, so nothing else can be there
    expect(unknown).toEqual([]);
    expect(counts.size).toBe(load.acknowledged.size);
  } finally {
    server.kill("SIGKILL");
    await server.exited;
    postgres?.drop();
  }
});
