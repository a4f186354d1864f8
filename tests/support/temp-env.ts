import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { resetConfig } from "@/lib/config";

/**
 * Points DATABASE_URL and DUCKDB_PATH at a fresh temporary folder. Call before the first import
 * of lib/db (the Prisma client reads DATABASE_URL once), i.e. import app modules dynamically.
 */
export function useTempEnvironment(prefix: string): { dir: string; warehouse: string; database: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const warehouse = path.join(dir, "warehouse.duckdb");
  const database = `file:${path.join(dir, "app.db")}`;
  process.env.DUCKDB_PATH = warehouse;
  process.env.DATABASE_URL = database;
  process.env.WAREHOUSE = "duckdb";
  resetConfig();
  return { dir, warehouse, database, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
