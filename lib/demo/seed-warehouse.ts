import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { DuckDbWarehouse } from "../warehouse/duckdb";
import { replaceDuckDbFile } from "../warehouse/duckdb-instances";
import { WarehouseError } from "../warehouse/types";
import { appendDaySql, checkSeedOptions, seedChunks, seedChunkSql, seedSetupSql } from "./seed-sql";
import type { SeedOptions } from "./plan";

export interface SeedSummary {
  users: number;
  exposures: number;
  events: number;
  seconds: number;
}

async function counts(wh: DuckDbWarehouse): Promise<Record<string, unknown> | undefined> {
  return (await wh.query(`SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM exposures) AS exposures, (SELECT count(*) FROM events) AS events`)).rows[0];
}

/**
 * Builds the demo warehouse in a temporary file and moves it into place, so a reader never sees
 * a half-built warehouse and a failed seed leaves the previous one intact. The swap waits until
 * no process has the file open (this one's analyses, a server's, a CLI's), up to
 * DUCKDB_LOCK_WAIT_MS, and then fails cleanly rather than pull the file from under them.
 * Users are generated in chunks (see seed-sql.ts), so memory stays bounded at any size.
 */
export async function seedWarehouse(file: string, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const checked = checkSeedOptions(options); // before touching the disk
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.building-${process.pid}`;
  rmSync(temp, { force: true });
  rmSync(`${temp}.wal`, { force: true });
  const wh = await DuckDbWarehouse.open({ path: temp, create: true, bulkWrite: true });
  let found: Record<string, unknown> | undefined;
  try {
    await wh.exec(seedSetupSql(checked));
    for (const [from, to] of seedChunks(checked.users)) await wh.exec(seedChunkSql(checked, from, to));
    found = await counts(wh);
    await wh.exec("CHECKPOINT");
  } catch (err) {
    await wh.close({ closeInstance: true });
    rmSync(temp, { force: true });
    throw err;
  }
  await wh.close({ closeInstance: true });
  try {
    await replaceDuckDbFile(file, temp);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  return {
    users: Number(found?.users),
    exposures: Number(found?.exposures),
    events: Number(found?.events),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

export interface AppendSummary extends SeedSummary {
  /** the days the warehouse covers now (since DEMO_START) */
  days: number;
  /** rows added */
  added: { exposures: number; events: number };
}

/**
 * Appends `days` more days of exposures and events (and orders) to the seeded warehouse in
 * `file`, in place and in one transaction: a failure leaves it as it was. Deterministic: the same
 * warehouse gets the same rows. The file is used through the process' one instance (waiting
 * while another process holds it, like an analysis).
 */
export async function appendDays(file: string, days: number): Promise<AppendSummary> {
  if (!Number.isInteger(days) || days < 1) throw new Error(`--append-days must be a whole number ≥ 1 (got ${days})`);
  if (!existsSync(file)) throw new Error(`there is no warehouse at ${file} to append to; run \`npm run seed\` first`);
  const started = performance.now();
  const wh = await DuckDbWarehouse.open({ path: file, bulkWrite: true });
  try {
    const info = await wh
      .query("SELECT seed, days FROM seed_info")
      .then((r) => r.rows[0])
      .catch((err: unknown) => {
        if (err instanceof WarehouseError && /seed_info/.test(err.message)) return undefined;
        throw err;
      });
    if (!info) throw new Error(`the warehouse at ${file} was not made by \`npm run seed\` (it has no seed_info table); seed it again to append days`);
    const before = await counts(wh);
    const first = Number(info.days);
    await wh.exec("BEGIN TRANSACTION");
    try {
      for (let day = first; day < first + days; day++) await wh.exec(appendDaySql({ seed: Number(info.seed) }, day));
      await wh.exec("COMMIT");
    } catch (err) {
      await wh.exec("ROLLBACK").catch(() => undefined);
      throw err;
    }
    const after = await counts(wh);
    await wh.exec("CHECKPOINT");
    return {
      users: Number(after?.users),
      exposures: Number(after?.exposures),
      events: Number(after?.events),
      days: first + days,
      added: { exposures: Number(after?.exposures) - Number(before?.exposures), events: Number(after?.events) - Number(before?.events) },
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await wh.close();
  }
}
