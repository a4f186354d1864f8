import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";

describe("configuration from the environment", () => {
  it("has working defaults: DuckDB under data/, SQLite under data/, port 3000", () => {
    const c = loadConfig({});
    expect(c.WAREHOUSE).toBe("duckdb");
    expect(c.duckdbPath.endsWith("data/warehouse.duckdb")).toBe(true);
    expect(c.databaseUrl.startsWith("file:") && c.databaseUrl.endsWith("data/app.db")).toBe(true);
    expect(c.PORT).toBe(3000);
    expect(c.BIGQUERY_MAX_BYTES).toBe(10 * 1024 ** 3);
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ WAREHOUSE: "", PORT: " " })).toMatchObject({ WAREHOUSE: "duckdb", PORT: 3000 });
  });

  it("names every bad variable and its value in one message", () => {
    expect(() => loadConfig({ WAREHOUSE: "snowflake", DUCKDB_THREADS: "0", PORT: "80a" })).toThrow(
      /WAREHOUSE.*"snowflake".*DUCKDB_THREADS must be a positive whole number \(got "0"\).*PORT must be a positive whole number \(got "80a"\)/,
    );
  });

  it("checks DuckDB's memory limit is a size", () => {
    expect(loadConfig({ DUCKDB_MEMORY_LIMIT: "512MB" }).DUCKDB_MEMORY_LIMIT).toBe("512MB");
    expect(() => loadConfig({ DUCKDB_MEMORY_LIMIT: "lots" })).toThrow(/DUCKDB_MEMORY_LIMIT/);
  });

  it("analyses at once: 1 on DuckDB, 4 on BigQuery unless ANALYSIS_CONCURRENCY says; waits and leases have defaults", () => {
    expect(loadConfig({}).analysisConcurrency).toBe(1);
    expect(loadConfig({ WAREHOUSE: "bigquery" }).analysisConcurrency).toBe(4);
    expect(loadConfig({ ANALYSIS_CONCURRENCY: "2" }).analysisConcurrency).toBe(2);
    expect(() => loadConfig({ ANALYSIS_CONCURRENCY: "0" })).toThrow(/ANALYSIS_CONCURRENCY must be a positive whole number/);
    expect(loadConfig({})).toMatchObject({ DUCKDB_LOCK_WAIT_MS: 30_000, DUCKDB_IDLE_CLOSE_MS: 2_000, RUN_LEASE_MS: 60_000, DATABASE_BUSY_TIMEOUT_MS: 10_000 });
    expect(loadConfig({ DUCKDB_LOCK_WAIT_MS: "0", DUCKDB_IDLE_CLOSE_MS: "0" })).toMatchObject({ DUCKDB_LOCK_WAIT_MS: 0, DUCKDB_IDLE_CLOSE_MS: 0 });
    expect(() => loadConfig({ DUCKDB_LOCK_WAIT_MS: "soon" })).toThrow(/DUCKDB_LOCK_WAIT_MS/);
  });

  it("sign-in and access: visitors read nothing unless ANONYMOUS_ROLE=viewer; OpenID Connect needs all three variables", () => {
    expect(loadConfig({})).toMatchObject({ ANONYMOUS_ROLE: "none", oidc: null, SIGN_IN_ATTEMPTS_PER_MINUTE: 10, ANALYSES_PER_HOUR: 60 });
    expect(loadConfig({ ANONYMOUS_ROLE: "viewer" }).ANONYMOUS_ROLE).toBe("viewer");
    expect(() => loadConfig({ ANONYMOUS_ROLE: "editor" })).toThrow(/ANONYMOUS_ROLE/);
    const oidc = { OIDC_DISCOVERY_URL: "https://id.example.com/.well-known/openid-configuration", OIDC_CLIENT_ID: "app", OIDC_CLIENT_SECRET: "s3cret" };
    expect(loadConfig({ ...oidc, OIDC_NAME: "Okta" }).oidc).toEqual({ discoveryUrl: oidc.OIDC_DISCOVERY_URL, clientId: "app", clientSecret: "s3cret", name: "Okta" });
    expect(() => loadConfig({ OIDC_CLIENT_ID: "app" })).toThrow(/OIDC_DISCOVERY_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together/);
    expect(() => loadConfig({ AUTH_URL: "not a url" })).toThrow(/AUTH_URL/);
  });

  it("never echoes a secret in its error", () => {
    let message = "";
    try {
      loadConfig({ AUTH_SECRET: "short-but-secret-value", PORT: "x" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/AUTH_SECRET must be at least 32 characters/);
    expect(message).toContain('PORT must be a positive whole number (got "x")');
    expect(message).not.toContain("short-but-secret-value");
  });
});
