import { existsSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { duckdbDialect } from "./dialect";
import { WarehouseError, type QueryResult, type Row, type SqlParams, type Warehouse } from "./types";

export interface DuckDbOptions {
  path: string;
  /** Analyses only read; read-only lets several processes (server, CLI) share the file. */
  readOnly?: boolean;
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

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open({ path, readOnly = true }: DuckDbOptions): Promise<DuckDbWarehouse> {
    if (readOnly && path !== ":memory:" && !existsSync(path)) {
      throw new WarehouseError(`the DuckDB warehouse file ${path} does not exist; run \`npm run seed\` or set DUCKDB_PATH`, "duckdb");
    }
    try {
      const instance = await DuckDBInstance.create(path, readOnly ? { access_mode: "READ_ONLY" } : {});
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
