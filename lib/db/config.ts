import { config } from "../config";

/** The app database URL: DATABASE_URL, or a SQLite file under data/ (12-factor default). */
export function databaseUrl(): string {
  return config().databaseUrl;
}

/**
 * How long an app-database statement waits for another connection's write lock (SQLite's
 * busy_timeout, set on every connection) before failing with SQLITE_BUSY.
 */
export function databaseBusyTimeoutMs(): number {
  return config().DATABASE_BUSY_TIMEOUT_MS;
}
