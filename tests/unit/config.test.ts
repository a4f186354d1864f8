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
});
