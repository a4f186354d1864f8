import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createClient, type Client } from "@libsql/client";
import { databaseBusyTimeoutMs, databaseUrl } from "./config";

// Prisma's own bookkeeping table, so `prisma migrate status` would read our history as its own.
const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "checksum" TEXT NOT NULL,
  "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL,
  "logs" TEXT,
  "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = path.join(process.cwd(), "prisma", "migrations")): MigrationFile[] {
  return readdirSync(/* turbopackIgnore: true */ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function ensureSqliteDir(url: string): void {
  if (!url.startsWith("file:")) return;
  const file = url.slice("file:".length);
  if (file && file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

/**
 * Applies pending migrations in order, each in its own transaction. Returns the names applied.
 * Also puts a SQLite file in WAL mode (stored in the file, so once is enough): readers then never
 * wait for a writer, and the server and a CLI can write in turn without SQLITE_BUSY.
 */
export async function migrate(url = databaseUrl(), migrations = readMigrations()): Promise<string[]> {
  ensureSqliteDir(url);
  const client = createClient({ url, timeout: databaseBusyTimeoutMs() });
  try {
    if (url.startsWith("file:") && !url.includes(":memory:")) await client.execute("PRAGMA journal_mode = WAL");
    return await applyPending(client, migrations);
  } finally {
    client.close();
  }
}

async function applyPending(client: Client, migrations: MigrationFile[]): Promise<string[]> {
  await client.execute(HISTORY_TABLE);
  const done = await client.execute(
    `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Map(done.rows.map((r) => [String(r.migration_name), String(r.checksum)]));
  const ran: string[] = [];
  for (const m of migrations) {
    const previous = applied.get(m.name);
    if (previous !== undefined) {
      if (previous !== m.checksum) {
        throw new Error(`migration ${m.name} was edited after it was applied (checksum differs); add a new migration instead`);
      }
      continue;
    }
    const tx = await client.transaction("write");
    try {
      await tx.executeMultiple(m.sql);
      await tx.execute({
        sql: `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, current_timestamp, ?, 1)`,
        args: [randomUUID(), m.checksum, m.name],
      });
      await tx.commit();
    } catch (err) {
      await tx.rollback();
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
    }
    ran.push(m.name);
  }
  return ran;
}
