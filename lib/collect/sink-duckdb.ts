// Collected items into the DuckDB warehouse: one transaction per batch appends its exposures and
// events and records the batch id in collect_batches, so a batch written before a crash (and
// claimed again after it) is recognised and not written twice. Through the process's one
// instance of the file (a lease), so analyses in this process run beside it; another process
// holding the file makes this wait, never the acknowledgements (they are in the app database).
import type { DuckDBConnection } from "@duckdb/node-api";
import { acquireDuckDb } from "@/lib/warehouse/duckdb-instances";
import type { InboxItem } from "./inbox";
import type { EventRow, ExposureRow } from "./items";

/** The tables as the demo seed makes them, plus the event id; made when the warehouse has none. */
const TABLES = {
  exposures: `CREATE TABLE IF NOT EXISTS exposures (user_id VARCHAR, experiment_id VARCHAR, variant VARCHAR, exposed_at TIMESTAMP, event_date DATE, platform VARCHAR, country VARCHAR, event_id VARCHAR)`,
  events: `CREATE TABLE IF NOT EXISTS events (user_id VARCHAR, event_name VARCHAR, event_time TIMESTAMP, event_date DATE, value DOUBLE, event_id VARCHAR)`,
};
const BATCHES = `CREATE TABLE IF NOT EXISTS collect_batches (batch_id VARCHAR PRIMARY KEY, items INTEGER, written_at TIMESTAMP)`;

async function columnsOf(connection: DuckDBConnection, table: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $table ORDER BY ordinal_position`,
    { table },
  );
  return reader.getRowObjectsJS().map((r) => String(r.column_name));
}

/** Makes what is missing (tables, the event_id column, the batch record) and answers each table's columns in order. */
async function prepare(connection: DuckDBConnection): Promise<Record<"exposures" | "events", string[]>> {
  await connection.run(BATCHES);
  const out = {} as Record<"exposures" | "events", string[]>;
  for (const table of ["exposures", "events"] as const) {
    await connection.run(TABLES[table]);
    let columns = await columnsOf(connection, table);
    if (!columns.includes("event_id")) {
      await connection.run(`ALTER TABLE ${table} ADD COLUMN event_id VARCHAR`);
      columns = await columnsOf(connection, table);
    }
    out[table] = columns;
  }
  return out;
}

type Row = Record<string, string | number | null>;

/** Rows appended between two yields to the event loop (the appender's calls are synchronous). */
const ROWS_PER_SLICE = 500;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Appends rows by column name (a column the items do not have gets NULL; values are cast by
 * DuckDB). The appender works on the server's one thread, so it hands the thread back every few
 * hundred rows: requests waiting for an answer are not held up by a large batch.
 */
async function append(connection: DuckDBConnection, table: string, columns: string[], rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const appender = await connection.createAppender(table);
  try {
    for (let start = 0; start < rows.length; start += ROWS_PER_SLICE) {
      if (start > 0) await yieldToEventLoop();
      for (const row of rows.slice(start, start + ROWS_PER_SLICE)) {
        for (const column of columns) {
          const v = row[column];
          if (v === null || v === undefined) appender.appendNull();
          else if (typeof v === "number") appender.appendDouble(v);
          else appender.appendVarchar(v);
        }
        appender.endRow();
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

export interface DuckDbSinkOptions {
  file: string;
}

/** Writes one batch; false when the warehouse already had it (a batch claimed again after a crash). */
export async function writeBatchToDuckDb(options: DuckDbSinkOptions, batchId: string, items: readonly InboxItem[]): Promise<boolean> {
  const lease = await acquireDuckDb(options.file, { create: true });
  const c = lease.connection;
  try {
    const columns = await prepare(c);
    await c.run("BEGIN TRANSACTION");
    try {
      const known = await c.runAndReadAll(`SELECT 1 FROM collect_batches WHERE batch_id = $id`, { id: batchId });
      if (known.getRows().length > 0) {
        await c.run("ROLLBACK");
        return false;
      }
      const exposures = items.filter((i) => i.kind === "exposure").map((i) => i.row as ExposureRow as unknown as Row);
      const events = items.filter((i) => i.kind === "event").map((i) => i.row as EventRow as unknown as Row);
      await append(c, "exposures", columns.exposures, exposures);
      await append(c, "events", columns.events, events);
      await c.run(`INSERT INTO collect_batches VALUES ($id, $n, current_localtimestamp())`, { id: batchId, n: items.length });
      await c.run("COMMIT");
      return true;
    } catch (err) {
      await c.run("ROLLBACK").catch(() => undefined);
      throw err;
    }
  } finally {
    lease.release();
  }
}

/** Moves the write-ahead log into the file now, off the server's thread (closing the file would do it on the thread). */
export async function checkpointDuckDb(connection: DuckDBConnection): Promise<void> {
  await connection.run("CHECKPOINT");
}
