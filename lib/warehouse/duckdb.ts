import { existsSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { config } from "../config";
import { duckdbDialect } from "./dialect";
import { WarehouseError, type QueryResult, type Row, type SqlParams, type Warehouse } from "./types";

export interface DuckDbOptions {
  path: string;
  /** Analyses only read; read-only lets several processes (server, CLI) share the file. */
  readOnly?: boolean;
  /** DuckDB `memory_limit`, e.g. "1.2GB" (default: DUCKDB_MEMORY_LIMIT, else see engineSettings) */
  memoryLimit?: string;
  /** DuckDB `threads` (default: DUCKDB_THREADS, else one per core) */
  threads?: number;
}

/**
 * Analyses read with a bounded buffer pool: DuckDB's own default is 80% of RAM, and at 5M users
 * the per-user hash tables of one analysis would take ~3.5 GB. With the limit DuckDB evicts
 * cached table blocks first and spills hash tables to `<file>.tmp` only when it must (peak RSS of
 * a whole analysis stays under 2 GB; the aggregates statement then runs slower at that scale).
 * Writes (seeding) keep DuckDB's default unless DUCKDB_MEMORY_LIMIT says otherwise.
 */
export const DEFAULT_ANALYSIS_MEMORY_LIMIT = "1.2GB";

function engineSettings({ readOnly = true, memoryLimit, threads }: DuckDbOptions): Record<string, string> {
  const settings: Record<string, string> = {};
  if (readOnly) settings.access_mode = "READ_ONLY";
  const limit = memoryLimit ?? config().DUCKDB_MEMORY_LIMIT ?? (readOnly ? DEFAULT_ANALYSIS_MEMORY_LIMIT : undefined);
  if (limit) settings.memory_limit = limit;
  const threadCount = threads ?? config().DUCKDB_THREADS;
  if (threadCount !== undefined) {
    if (!Number.isInteger(threadCount) || threadCount < 1) throw new WarehouseError(`DuckDB threads (DUCKDB_THREADS) must be a whole number ≥ 1 (got ${threadCount})`, "duckdb");
    settings.threads = String(threadCount);
  }
  return settings;
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

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(options: DuckDbOptions): Promise<DuckDbWarehouse> {
    const { path, readOnly = true } = options;
    if (readOnly && path !== ":memory:" && !existsSync(path)) {
      throw new WarehouseError(`the DuckDB warehouse file ${path} does not exist; run \`npm run seed\` or set DUCKDB_PATH`, "duckdb");
    }
    const settings = engineSettings(options);
    try {
      const instance = await DuckDBInstance.create(path, settings);
      return new DuckDbWarehouse(instance, await instance.connect());
    } catch (err) {
      throw new WarehouseError(`cannot open DuckDB file ${path}: ${(err as Error).message}`, "duckdb");
    }
  }

  async query(sql: string, params: SqlParams = {}): Promise<QueryResult> {
    const started = performance.now();
    try {
      const reader = await this.connection.runAndReadAll(sql, params as Record<string, DuckDBValue>);
      const rows = reader.getRowObjectsJS().map((r) => plainRow(r));
      return { rows, stats: { durationMs: Math.round(performance.now() - started), bytesProcessed: null } };
    } catch (err) {
      throw new WarehouseError((err as Error).message, "duckdb");
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

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
