import type { DuckDBValue } from "@duckdb/node-api";
import { duckdbDialect } from "./dialect";
import { acquireDuckDb, type DuckDbInstanceOptions, type DuckDbLease } from "./duckdb-instances";
import { WarehouseError, type QueryOptions, type QueryResult, type Row, type SqlParams, type Warehouse } from "./types";

export { DEFAULT_ANALYSIS_MEMORY_LIMIT, WarehouseBusyError } from "./duckdb-instances";

export interface DuckDbOptions extends DuckDbInstanceOptions {
  /** the database file (":memory:" for a private in-memory database) */
  path: string;
}

/** Converts driver values to plain JSON-friendly JS: BIGINT → number, DATE/TIMESTAMP → ISO string. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

function plainRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = plain(v);
  return out;
}

export class DuckDbWarehouse implements Warehouse {
  readonly kind = "duckdb" as const;
  readonly dialect = duckdbDialect;
  readonly maxBytes = null;

  private constructor(private readonly lease: DuckDbLease) {}

  /** A lease on the process' one instance of the file (see duckdb-instances.ts); close() gives it back. */
  static async open(options: DuckDbOptions): Promise<DuckDbWarehouse> {
    const { path, ...instanceOptions } = options;
    return new DuckDbWarehouse(await acquireDuckDb(path, instanceOptions));
  }

  private get connection() {
    return this.lease.connection;
  }

  async query(sql: string, params: SqlParams = {}, options: QueryOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    const { signal } = options;
    if (signal?.aborted) throw new WarehouseError("query cancelled", "duckdb");
    // a cancel interrupts this lease's connection: DuckDB stops the statement and it fails with "Interrupted"
    const interrupt = () => this.connection.interrupt();
    signal?.addEventListener("abort", interrupt, { once: true });
    try {
      const reader = await this.connection.runAndReadAll(sql, params as Record<string, DuckDBValue>);
      const rows = reader.getRowObjectsJS().map((r) => plainRow(r));
      return { rows, stats: { durationMs: Math.round(performance.now() - started), bytesProcessed: null } };
    } catch (err) {
      throw new WarehouseError(signal?.aborted ? "query cancelled" : (err as Error).message, "duckdb");
    } finally {
      signal?.removeEventListener("abort", interrupt);
    }
  }

  /** Runs several statements (no parameters), e.g. a seed script. */
  async exec(sql: string): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (err) {
      throw new WarehouseError((err as Error).message, "duckdb");
    }
  }

  async estimateBytes(): Promise<number | null> {
    return null;
  }

  /** Releases the lease; `closeInstance` also closes the file at once when nobody else uses it (seeding). */
  async close(options?: { closeInstance?: boolean }): Promise<void> {
    this.lease.release(options);
  }
}
