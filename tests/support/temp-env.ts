import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { resetConfig } from "@/lib/config";
import { createPostgresDatabase } from "./postgres-database";

/**
 * Points DATABASE_URL and DUCKDB_PATH at a fresh temporary folder. Call before the first import
 * of lib/db (the Prisma client reads DATABASE_URL once), i.e. import app modules dynamically.
 * With TEST_POSTGRES_URL set (npm run test:postgres), the app database is instead a fresh
 * database on that PostgreSQL server, dropped by cleanup().
 */
export function useTempEnvironment(prefix: string): { dir: string; warehouse: string; database: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const warehouse = path.join(dir, "warehouse.duckdb");
  const adminUrl = process.env.TEST_POSTGRES_URL;
  const postgres = adminUrl ? createPostgresDatabase(adminUrl, prefix) : undefined;
  const database = postgres?.url ?? `file:${path.join(dir, "app.db")}`;
  process.env.DUCKDB_PATH = warehouse;
  process.env.DATABASE_URL = database;
  process.env.WAREHOUSE = "duckdb";
  resetConfig();
  const cleanup = async () => {
    // Close this file's pool before the database goes: DROP … WITH (FORCE) would otherwise end its
    // connections under it, and the pool's error log could arrive after vitest closed the worker.
    await (globalThis as { prisma?: { $disconnect: () => Promise<void> } }).prisma?.$disconnect();
    rmSync(dir, { recursive: true, force: true });
    postgres?.drop();
  };
  return { dir, warehouse, database, cleanup };
}
