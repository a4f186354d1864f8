import path from "node:path";
import { z } from "zod";

/**
 * The process's configuration: every environment variable the app and the CLIs read, parsed and
 * validated once by one zod schema. Modules ask `config()`; nothing else reads `process.env` for
 * settings, so a typo'd or out-of-range value fails at start with the variable's name.
 */

const wholeNumber = (min: number) => {
  const message = min >= 1 ? "must be a positive whole number" : "must be a whole number";
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int(message).min(min, message).max(Number.MAX_SAFE_INTEGER, message));
};

/** An unset or empty variable is the same as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

export const DEFAULT_BIGQUERY_MAX_BYTES = 10 * 1024 ** 3; // 10 GiB
export const DEFAULT_BIGQUERY_TIMEOUT_MS = 10 * 60 * 1000;
export const DEFAULT_DUCKDB_LOCK_WAIT_MS = 30_000;
export const DEFAULT_DUCKDB_IDLE_CLOSE_MS = 2_000;
export const DEFAULT_RUN_LEASE_MS = 60_000;
export const DEFAULT_DATABASE_BUSY_TIMEOUT_MS = 10_000;
export const DEFAULT_ANALYSES_PER_HOUR = 60;
export const DEFAULT_SIGN_IN_ATTEMPTS_PER_MINUTE = 10;
export const DEFAULT_WEBHOOK_RETRIES = 5;
export const DEFAULT_WEBHOOK_RETRY_MIN_MS = 2_000;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_COLLECT_FLUSH_MS = 2_000;
export const DEFAULT_COLLECT_BATCH_ITEMS = 5_000;
export const DEFAULT_COLLECT_DEDUP_HOURS = 7 * 24;
export const DEFAULT_COLLECT_REQUESTS_PER_MINUTE = 6_000;

const schema = z.object({
  DATABASE_URL: optional(z.string()),
  WAREHOUSE: optional(z.enum(["duckdb", "bigquery"])).transform((v) => v ?? "duckdb"),
  DUCKDB_PATH: optional(z.string()),
  DUCKDB_MEMORY_LIMIT: optional(z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be a size such as "1.2GB"')),
  DUCKDB_THREADS: optional(wholeNumber(1)),
  /** how long opening the warehouse waits while another process holds the file */
  DUCKDB_LOCK_WAIT_MS: optional(wholeNumber(0)).transform((v) => v ?? DEFAULT_DUCKDB_LOCK_WAIT_MS),
  /** the shared DuckDB instance is closed after this long unused, so another process can take the file */
  DUCKDB_IDLE_CLOSE_MS: optional(wholeNumber(0)).transform((v) => v ?? DEFAULT_DUCKDB_IDLE_CLOSE_MS),
  /** analyses running at once in one process (default: 1 on DuckDB, 4 on BigQuery); the rest wait in line */
  ANALYSIS_CONCURRENCY: optional(wholeNumber(1)),
  /** a run whose heartbeat is older than this is taken as dead (heartbeats every quarter of it) */
  RUN_LEASE_MS: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_RUN_LEASE_MS),
  /** SQLite busy timeout of the app database */
  DATABASE_BUSY_TIMEOUT_MS: optional(wholeNumber(0)).transform((v) => v ?? DEFAULT_DATABASE_BUSY_TIMEOUT_MS),
  BIGQUERY_PROJECT: optional(z.string().trim()),
  BIGQUERY_DATASET: optional(z.string().trim()),
  BIGQUERY_LOCATION: optional(z.string().trim()),
  BIGQUERY_MAX_BYTES: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_BIGQUERY_MAX_BYTES),
  BIGQUERY_TIMEOUT_MS: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_BIGQUERY_TIMEOUT_MS),
  BIGQUERY_API_ENDPOINT: optional(z.string().trim()),
  PORT: optional(wholeNumber(1)).transform((v) => v ?? 3000),
  /** folder of the metric and source files, read while the app runs */
  METRICS_DIR: optional(z.string()),
  /** what a visitor who is not signed in may do: nothing, or read (`npm run demo` sets viewer) */
  ANONYMOUS_ROLE: optional(z.enum(["none", "viewer"])).transform((v) => v ?? "none"),
  /** signs session cookies; when unset, a random one is generated once and kept in the app database */
  AUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters (e.g. openssl rand -base64 32)")),
  /** the app's public URL (sign-in callbacks, cookie security); when unset, taken from each request */
  AUTH_URL: optional(z.url("must be a URL such as https://experiments.example.com")),
  /** OpenID Connect sign-in: all three enable it (the discovery document's URL, the client id and secret) */
  OIDC_DISCOVERY_URL: optional(z.url("must be the provider's .well-known/openid-configuration URL")),
  OIDC_CLIENT_ID: optional(z.string().trim()),
  OIDC_CLIENT_SECRET: optional(z.string().trim()),
  /** the sign-in button's label, e.g. "Okta" */
  OIDC_NAME: optional(z.string().trim().max(40)).transform((v) => v ?? "single sign-on"),
  /** sign-in attempts per minute from one address (Better Auth's limiter) */
  SIGN_IN_ATTEMPTS_PER_MINUTE: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_SIGN_IN_ATTEMPTS_PER_MINUTE),
  /** analyses one user or API key may start per hour */
  ANALYSES_PER_HOUR: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_ANALYSES_PER_HOUR),
  /** webhook deliveries: retries after the first attempt, the first back-off, each attempt's timeout */
  WEBHOOK_RETRIES: optional(wholeNumber(0)).transform((v) => v ?? DEFAULT_WEBHOOK_RETRIES),
  WEBHOOK_RETRY_MIN_MS: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_WEBHOOK_RETRY_MIN_MS),
  WEBHOOK_TIMEOUT_MS: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_WEBHOOK_TIMEOUT_MS),
  /** collection (issue 13): how often the server moves collected items to the warehouse, and how many at a time */
  COLLECT_FLUSH_MS: optional(wholeNumber(10)).transform((v) => v ?? DEFAULT_COLLECT_FLUSH_MS),
  COLLECT_BATCH_ITEMS: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_COLLECT_BATCH_ITEMS),
  /** how long an event id is remembered after it reached the warehouse: the same item sent again within it is a no-op */
  COLLECT_DEDUP_HOURS: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_COLLECT_DEDUP_HOURS),
  /** collection requests per minute from one client key and address */
  COLLECT_REQUESTS_PER_MINUTE: optional(wholeNumber(1)).transform((v) => v ?? DEFAULT_COLLECT_REQUESTS_PER_MINUTE),
  /** `npm run demo` reuses the existing build */
  DEMO_SKIP_BUILD: optional(z.enum(["0", "1"])).transform((v) => v === "1"),
});

export type AppConfig = z.output<typeof schema> & {
  /** OpenID Connect, when all of its three variables are set */
  oidc: { discoveryUrl: string; clientId: string; clientSecret: string; name: string } | null;
  /** resolved paths (defaults under data/ in the working directory) */
  databaseUrl: string;
  duckdbPath: string;
  analysisConcurrency: number;
  metricsDir: string;
};

/** Parses an environment (pure; tests pass their own). Throws one message naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // secrets are never echoed, even when they are wrong
    const got = (name: string) => (/SECRET/.test(name) ? "" : ` (got "${String(env[name] ?? "")}")`);
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}${got(String(i.path[0]))}`);
    throw new Error(`invalid configuration: ${problems.join("; ")}`);
  }
  const c = parsed.data;
  const oidcVars = [c.OIDC_DISCOVERY_URL, c.OIDC_CLIENT_ID, c.OIDC_CLIENT_SECRET];
  if (oidcVars.some(Boolean) && !oidcVars.every(Boolean)) {
    throw new Error("invalid configuration: OpenID Connect needs OIDC_DISCOVERY_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together");
  }
  return {
    ...c,
    databaseUrl: c.DATABASE_URL ?? "file:" + path.join(process.cwd(), "data", "app.db"),
    duckdbPath: c.DUCKDB_PATH ?? path.join(process.cwd(), "data", "warehouse.duckdb"),
    // one DuckDB file shares the machine's memory and cores; BigQuery does the work remotely
    analysisConcurrency: c.ANALYSIS_CONCURRENCY ?? (c.WAREHOUSE === "duckdb" ? 1 : 4),
    metricsDir: path.resolve(/* turbopackIgnore: true */ c.METRICS_DIR ?? "metrics"),
    oidc:
      c.OIDC_DISCOVERY_URL && c.OIDC_CLIENT_ID && c.OIDC_CLIENT_SECRET
        ? { discoveryUrl: c.OIDC_DISCOVERY_URL, clientId: c.OIDC_CLIENT_ID, clientSecret: c.OIDC_CLIENT_SECRET, name: c.OIDC_NAME }
        : null,
  };
}

let cached: AppConfig | undefined;

/** The configuration of this process, read from `process.env` on first use. */
export function config(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

/** For tests that change `process.env` within one process: the next `config()` reads it again. */
export function resetConfig(): void {
  cached = undefined;
}
