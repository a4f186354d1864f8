import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { DuckDbWarehouse } from "../warehouse/duckdb";
import { replaceDuckDbFile } from "../warehouse/duckdb-instances";
import { seedSql } from "./seed-sql";
import type { SeedOptions } from "./plan";

export interface SeedSummary {
  users: number;
  exposures: number;
  events: number;
  seconds: number;
}

/**
 * Builds the demo warehouse in a temporary file and moves it into place, so a reader never sees
 * a half-built warehouse and a failed seed leaves the previous one intact. The swap waits until
 * no process has the file open (this one's analyses, a server's, a CLI's), up to
 * DUCKDB_LOCK_WAIT_MS, and then fails cleanly rather than pull the file from under them.
 */
export async function seedWarehouse(file: string, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const sql = seedSql(options); // validates options before touching the disk
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.building-${process.pid}`;
  rmSync(temp, { force: true });
  rmSync(`${temp}.wal`, { force: true });
  const wh = await DuckDbWarehouse.open({ path: temp, create: true, bulkWrite: true });
  let counts: Record<string, unknown> | undefined;
  try {
    await wh.exec(sql);
    counts = (await wh.query(
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM exposures) AS exposures, (SELECT count(*) FROM events) AS events`,
    )).rows[0];
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
    users: Number(counts?.users),
    exposures: Number(counts?.exposures),
    events: Number(counts?.events),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
