import { config } from "../config";

/** The app database URL: DATABASE_URL, or a SQLite file under data/ (12-factor default). */
export function databaseUrl(): string {
  return config().databaseUrl;
}

/** The two app databases: SQLite (a file: or libsql: URL) and PostgreSQL (postgres:// or postgresql://). */
export type DatabaseProvider = "sqlite" | "postgresql";

export function databaseProvider(url: string): DatabaseProvider {
  if (/^(file|libsql):/i.test(url)) return "sqlite";
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? "(none)";
  throw new Error(`DATABASE_URL must be a SQLite file:/libsql: URL or a postgresql:// URL (got scheme ${scheme})`);
}

/**
 * The Postgres schema named by `?schema=` (Prisma's convention), or undefined for the server's
 * default search_path. The pg adapter does not read it from the URL, so both it and the migrator
 * are handed it explicitly.
 */
export function postgresSchema(url: string): string | undefined {
  return new URL(url).searchParams.get("schema")?.trim() || undefined;
}

/**
 * How long an app-database statement waits for another connection's write lock (SQLite's
 * busy_timeout, set on every connection) before failing with SQLITE_BUSY.
 */
export function databaseBusyTimeoutMs(): number {
  return config().DATABASE_BUSY_TIMEOUT_MS;
}
