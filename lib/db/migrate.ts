import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import pg from "pg";
import { databaseBusyTimeoutMs, databaseProvider, databaseUrl, postgresSchema, type DatabaseProvider } from "./config";

// Hand-written SQL migrations in Prisma's layout, one set per provider with the same names:
// prisma/migrations/<provider>/<name>/migration.sql. History is kept in Prisma's own table, so
// `prisma migrate status` would read it as its own.

const SQLITE_HISTORY = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "checksum" TEXT NOT NULL,
  "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL,
  "logs" TEXT,
  "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_HISTORY = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

const APPLIED = `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

/** The key `prisma migrate` locks too, so our migrator and Prisma's never run side by side. */
const POSTGRES_LOCK_KEY = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationsDir(provider: DatabaseProvider): string {
  return path.join(process.cwd(), "prisma", "migrations", provider);
}

export function readMigrations(provider: DatabaseProvider = databaseProvider(databaseUrl()), dir = migrationsDir(provider)): MigrationFile[] {
  return readdirSync(/* turbopackIgnore: true */ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** What a provider's migrator does: report the applied history, and apply one migration atomically. */
interface MigrationTarget {
  applied(): Promise<Map<string, string>>;
  apply(m: MigrationFile): Promise<void>;
}

/**
 * Applies pending migrations in order, each in its own transaction, from the set for the URL's
 * provider. Refuses to run when an applied migration was edited since. Returns the names applied.
 * A SQLite file is also put in WAL mode (stored in the file, so once is enough): readers then never
 * wait for a writer, and the server and a CLI can write in turn without SQLITE_BUSY.
 */
export async function migrate(url = databaseUrl(), migrations?: MigrationFile[]): Promise<string[]> {
  const provider = databaseProvider(url);
  const list = migrations ?? readMigrations(provider);
  return provider === "postgresql" ? migratePostgres(url, list) : migrateSqlite(url, list);
}

async function applyPending(target: MigrationTarget, migrations: MigrationFile[]): Promise<string[]> {
  const applied = await target.applied();
  const ran: string[] = [];
  for (const m of migrations) {
    const previous = applied.get(m.name);
    if (previous !== undefined) {
      if (previous !== m.checksum) {
        throw new Error(`migration ${m.name} was edited after it was applied (checksum differs); add a new migration instead`);
      }
      continue;
    }
    try {
      await target.apply(m);
    } catch (err) {
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
    }
    ran.push(m.name);
  }
  return ran;
}

function ensureSqliteDir(url: string): void {
  if (!url.startsWith("file:")) return;
  const file = url.slice("file:".length);
  if (file && file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

async function migrateSqlite(url: string, migrations: MigrationFile[]): Promise<string[]> {
  ensureSqliteDir(url);
  const client = createClient({ url, timeout: databaseBusyTimeoutMs() });
  try {
    if (url.startsWith("file:") && !url.includes(":memory:")) await client.execute("PRAGMA journal_mode = WAL");
    await client.execute(SQLITE_HISTORY);
    return await applyPending(
      {
        async applied() {
          const done = await client.execute(APPLIED);
          return new Map(done.rows.map((r) => [String(r.migration_name), String(r.checksum)]));
        },
        async apply(m) {
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
            throw err;
          }
        },
      },
      migrations,
    );
  } finally {
    client.close();
  }
}

/** A quoted Postgres identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function migratePostgres(url: string, migrations: MigrationFile[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  // A lost connection also fails the query in flight, which reports it; unheard, the event would crash the process.
  client.on("error", () => undefined);
  await client.connect();
  try {
    // Two processes starting at once: the second waits here, then finds nothing left to apply.
    await client.query("SELECT pg_advisory_lock($1)", [POSTGRES_LOCK_KEY]);
    const schema = postgresSchema(url);
    if (schema) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    }
    await client.query(POSTGRES_HISTORY);
    return await applyPending(
      {
        async applied() {
          const done = await client.query<{ migration_name: string; checksum: string }>(APPLIED);
          return new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
        },
        async apply(m) {
          await client.query("BEGIN");
          try {
            await client.query(m.sql); // no parameters: the simple protocol runs every statement of the file
            await client.query(
              `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
              [randomUUID(), m.checksum, m.name],
            );
            await client.query("COMMIT");
          } catch (err) {
            await client.query("ROLLBACK").catch(() => undefined); // a broken connection rolls back by itself
            throw err;
          }
        },
      },
      migrations,
    );
  } finally {
    // Ending the session releases the advisory lock as well.
    await client.end();
  }
}
