import type { Dialect } from "./dialect";

/** Values bound to named parameters. Dates and timestamps travel as ISO strings and are CAST in SQL. */
export type SqlValue = string | number | boolean;
export type SqlParams = Record<string, SqlValue>;

export type Row = Record<string, unknown>;

export interface QueryStats {
  durationMs: number;
  bytesProcessed: number | null;
  bytesBilled?: number | null;
  jobId?: string | null;
  cacheHit?: boolean | null;
  slotMs?: number | null;
}

export interface QueryResult {
  rows: Row[];
  stats: QueryStats;
}

export interface QueryOptions {
  /** Job labels (BigQuery); ignored by engines without them. */
  labels?: Record<string, string>;
  signal?: AbortSignal;
  /** The statement's dry-run estimate when the caller already has it (an analysis' byte budget), so it is not dry-run again. */
  estimatedBytes?: number | null;
}

export interface Warehouse {
  readonly kind: "duckdb" | "bigquery";
  readonly dialect: Dialect;
  /** Runs one statement with named parameters; numbers come back as JS numbers, dates as ISO strings. */
  query(sql: string, params?: SqlParams, options?: QueryOptions): Promise<QueryResult>;
  /** Bytes the statement would scan, without running it (null where the engine cannot tell). */
  estimateBytes(sql: string, params?: SqlParams): Promise<number | null>;
  /** Most bytes one analysis may scan, all its statements together (null: no cap, e.g. a local file). */
  readonly maxBytes: number | null;
  close(): Promise<void>;
}

/** A warehouse error with the engine's own message, safe to show to the analyst. */
export class WarehouseError extends Error {
  constructor(
    message: string,
    readonly engine: Warehouse["kind"],
  ) {
    super(message);
    this.name = "WarehouseError";
  }
}
