import { copyFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../support/temp-env";

// The seed generates its users in chunks of consecutive ids so its memory stays bounded at 5M
// users (issue 14). Chunk boundaries must not change a single row: the demo's numbers (checked
// elsewhere) come from the seed. `--append-days` must be deterministic and leave what was there.

const env = useTempEnvironment("seed-chunks");
afterAll(() => env.cleanup());

const TABLES: Record<string, string> = {
  users: "user_id, signup_date, platform, country",
  exposures: "user_id, experiment_id, variant, exposed_at, event_date, platform, country",
  events: "user_id, event_name, event_time, event_date, value",
  orders: "user_id, ordered_at, order_date, amount, coupon, platform",
};

/** Rows and an order-independent fingerprint of every row, per table. */
async function fingerprint(file: string): Promise<Record<string, { n: number; h: string }>> {
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  const wh = await DuckDbWarehouse.open({ path: file });
  try {
    const out: Record<string, { n: number; h: string }> = {};
    for (const [table, columns] of Object.entries(TABLES)) {
      const r = (await wh.query(`SELECT count(*) AS n, CAST(sum(hash(${columns})::HUGEINT) AS VARCHAR) AS h FROM ${table}`)).rows[0]!;
      out[table] = { n: Number(r.n), h: String(r.h) };
    }
    return out;
  } finally {
    await wh.close({ closeInstance: true });
  }
}

async function seedInChunks(file: string, options: { users: number; days: number; seed: number }, chunkUsers: number): Promise<void> {
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  const { seedChunks, seedChunkSql, seedSetupSql } = await import("@/lib/demo/seed-sql");
  const wh = await DuckDbWarehouse.open({ path: file, create: true, bulkWrite: true });
  try {
    await wh.exec(seedSetupSql(options));
    for (const [from, to] of seedChunks(options.users, chunkUsers)) await wh.exec(seedChunkSql(options, from, to));
  } finally {
    await wh.close({ closeInstance: true });
  }
}

describe("chunked seed", () => {
  it("splits the ids into consecutive ranges covering every user once", async () => {
    const { seedChunks } = await import("@/lib/demo/seed-sql");
    expect(seedChunks(2500, 700)).toEqual([[1, 701], [701, 1401], [1401, 2101], [2101, 2501]]);
    expect(seedChunks(700, 700)).toEqual([[1, 701]]);
  });

  it("gives the same rows in chunks as in one piece", async () => {
    const options = { users: 2500, days: 14, seed: 11 };
    const whole = path.join(env.dir, "whole.duckdb");
    const chunked = path.join(env.dir, "chunked.duckdb");
    await seedInChunks(whole, options, options.users);
    await seedInChunks(chunked, options, 700);
    const a = await fingerprint(whole);
    expect(a.users!.n).toBe(2500);
    expect(a.events!.n).toBeGreaterThan(10 * 2500);
    expect(a.orders!.n).toBeGreaterThan(0);
    expect(await fingerprint(chunked)).toEqual(a);
    // and seedWarehouse (its own chunk size) gives them too
    const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
    const viaSeed = path.join(env.dir, "seeded.duckdb");
    await seedWarehouse(viaSeed, options);
    expect(await fingerprint(viaSeed)).toEqual(a);
  });
});

describe("seed --append-days", () => {
  it("appends one more day deterministically and keeps every row that was there", async () => {
    const { seedWarehouse, appendDays } = await import("@/lib/demo/seed-warehouse");
    const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
    const { DEMO_START } = await import("@/lib/demo/plan");
    const base = path.join(env.dir, "base.duckdb");
    await seedWarehouse(base, { users: 2000, days: 14, seed: 5 });
    const one = path.join(env.dir, "append-1.duckdb");
    const two = path.join(env.dir, "append-2.duckdb");
    copyFileSync(base, one);
    copyFileSync(base, two);
    const s = await appendDays(one, 1);
    await appendDays(two, 1);
    expect(s.days).toBe(15);
    expect(s.added.events).toBeGreaterThan(0);
    expect(s.added.exposures).toBeGreaterThan(0);
    expect(await fingerprint(two)).toEqual(await fingerprint(one));

    const wh = await DuckDbWarehouse.open({ path: one });
    try {
      await wh.exec(`ATTACH '${base}' AS base (READ_ONLY)`);
      for (const [table, columns] of Object.entries(TABLES)) {
        const lost = (await wh.query(`SELECT count(*) AS n FROM (SELECT ${columns} FROM base.${table} EXCEPT ALL SELECT ${columns} FROM ${table})`)).rows[0]!;
        expect(Number(lost.n), table).toBe(0);
      }
      const added = (await wh.query(`SELECT event_date::VARCHAR AS d, count(*) AS n FROM (SELECT * FROM events EXCEPT ALL SELECT * FROM base.events) GROUP BY 1 ORDER BY 1`)).rows;
      const day14 = new Date(Date.parse(`${DEMO_START}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10);
      const day13 = new Date(Date.parse(`${DEMO_START}T00:00:00Z`) + 13 * 86_400_000).toISOString().slice(0, 10);
      // the appended day's events, and a few late ones dated the day before
      expect(added.map((r) => r.d)).toEqual([day13, day14]);
      expect(Number(added[0]!.n)).toBeLessThan(Number(added[1]!.n));
      expect(Number((await wh.query("SELECT days FROM seed_info")).rows[0]!.days)).toBe(15);
      await wh.exec("DETACH base");
    } finally {
      await wh.close({ closeInstance: true });
    }
  });

  it("refuses a warehouse the seed did not make", async () => {
    const { appendDays } = await import("@/lib/demo/seed-warehouse");
    await expect(appendDays(path.join(env.dir, "missing.duckdb"), 1)).rejects.toThrow(/no warehouse .* to append to/);
    await expect(appendDays(path.join(env.dir, "base.duckdb"), 0)).rejects.toThrow(/whole number ≥ 1/);
  });
});
