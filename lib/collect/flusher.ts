// The server's collection flusher (DESIGN §6): every COLLECT_FLUSH_MS it moves what the inbox
// holds to the warehouse, a batch of up to COLLECT_BATCH_ITEMS at a time, each batch written once
// (see inbox.ts and the sinks). On DuckDB it holds the file only while writing and closes it
// afterwards when nothing else in the process uses it, so a command-line analysis beside the
// server gets its turn; while another process holds the file, the items wait in the inbox (the
// acknowledgements never wait for the warehouse).
import { config } from "@/lib/config";
import { publicMessage } from "@/lib/public-error";
import { WarehouseBusyError } from "@/lib/warehouse/duckdb-instances";
import { duckdbPath, warehouseKind, type WarehouseKind } from "@/lib/warehouse/config";
import { acquireDuckDb, type DuckDbLease } from "@/lib/warehouse/duckdb-instances";
import { claimBatch, markFlushed, pruneFlushed, releaseBatch, type ClaimedBatch } from "./inbox";
import { checkpointDuckDb, writeBatchToDuckDb } from "./sink-duckdb";
import type { BigQueryConfig } from "@/lib/warehouse/bigquery";

export interface FlushOutcome {
  batches: number;
  items: number;
  /** batches the warehouse already held (claimed again after a crash) */
  alreadyWritten: number;
}

export interface FlushOptions {
  warehouse?: WarehouseKind;
  batchItems?: number;
  /** at most this many batches in one go (the rest waits for the next tick) */
  maxBatches?: number;
  /** BigQuery's settings other than the configured ones (tests) */
  bigquery?: BigQueryConfig;
}

/** Writes one batch to the configured warehouse; false when it was there already. */
async function writeBatch(kind: WarehouseKind, batch: ClaimedBatch, bigquery?: BigQueryConfig): Promise<boolean> {
  if (kind === "duckdb") return writeBatchToDuckDb({ file: duckdbPath() }, batch.id, batch.items);
  const [{ bigqueryConfigFromEnv }, { writeBatchToBigQuery }] = await Promise.all([import("@/lib/warehouse/bigquery"), import("./sink-bigquery")]);
  await writeBatchToBigQuery(bigquery ?? bigqueryConfigFromEnv(), batch.items);
  return true;
}

/**
 * Moves inbox items to the warehouse until the inbox is empty (or `maxBatches`). A failed write
 * leaves its batch claimed by this process: the next call takes it again, whole.
 */
export async function flushInbox(options: FlushOptions = {}): Promise<FlushOutcome> {
  const kind = options.warehouse ?? warehouseKind();
  const size = options.batchItems ?? config().COLLECT_BATCH_ITEMS;
  const max = options.maxBatches ?? Number.POSITIVE_INFINITY;
  const out: FlushOutcome = { batches: 0, items: 0, alreadyWritten: 0 };
  let hold: DuckDbLease | null = null;
  try {
    while (out.batches < max) {
      const batch = await claimBatch(kind, size);
      if (!batch) break;
      try {
        // one lease for the whole run: the file opens once, and closes when done if nobody else uses it
        if (kind === "duckdb" && !hold) hold = await acquireDuckDb(duckdbPath(), { create: true });
        const wrote = await writeBatch(kind, batch, options.bigquery);
        await markFlushed(batch.id);
        out.batches++;
        out.items += batch.items.length;
        if (!wrote) out.alreadyWritten++;
      } catch (err) {
        releaseBatch(batch.id);
        throw err;
      }
    }
  } finally {
    if (hold) {
      await checkpointDuckDb(hold.connection).catch(() => undefined);
      hold.release({ closeInstance: true });
    }
  }
  return out;
}

interface FlusherState {
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  stopped: boolean;
  failures: number;
  lastError: string | null;
  lastPrune: number;
}

const slot = globalThis as typeof globalThis & { __collectFlusher?: FlusherState };

/** What the flusher last ran into (null when its last run went through). */
export function flusherError(): string | null {
  return slot.__collectFlusher?.lastError ?? null;
}

async function tick(state: FlusherState): Promise<void> {
  try {
    await flushInbox();
    state.failures = 0;
    state.lastError = null;
    if (Date.now() - state.lastPrune > 60_000) {
      state.lastPrune = Date.now();
      await pruneFlushed(config().COLLECT_DEDUP_HOURS * 3600_000);
    }
  } catch (err) {
    state.failures++;
    // another process holding the DuckDB file is expected (a command-line analysis): wait for it
    state.lastError = err instanceof WarehouseBusyError ? err.message : publicMessage(err, "moving collected items to the warehouse");
    if (!(err instanceof WarehouseBusyError) && state.failures === 1) console.error(`collection flusher: ${state.lastError}`);
  }
}

function schedule(state: FlusherState): void {
  if (state.stopped) return;
  const base = config().COLLECT_FLUSH_MS;
  const delay = state.failures === 0 ? base : Math.min(30_000, base * 2 ** Math.min(state.failures, 5));
  state.timer = setTimeout(() => {
    state.timer = null;
    state.running = tick(state).finally(() => {
      state.running = null;
      schedule(state);
    });
  }, delay);
  state.timer.unref();
}

/** Starts the flusher of this process (once; the server calls it at start). */
export function startCollectionFlusher(): void {
  if (slot.__collectFlusher && !slot.__collectFlusher.stopped) return;
  const state: FlusherState = { timer: null, running: null, stopped: false, failures: 0, lastError: null, lastPrune: 0 };
  slot.__collectFlusher = state;
  schedule(state);
}

/** Stops it, waiting for a run under way (tests). */
export async function stopCollectionFlusher(): Promise<void> {
  const state = slot.__collectFlusher;
  if (!state) return;
  state.stopped = true;
  if (state.timer) clearTimeout(state.timer);
  await state.running;
}
