import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import pRetry, { AbortError } from "p-retry";
import { config } from "../config";
import { isProcessAlive } from "../process-alive";
import { WarehouseError } from "./types";

/**
 * DuckDB wants one instance per database file per process: two instances on one file in one
 * process share nothing (not the buffer pool, not the spill files) and crashed the server under
 * concurrent refreshes. This registry holds at most one instance per absolute path, kept on
 * globalThis so Next's dev reload does not make a second one. Users take a lease (their own
 * connection on the shared instance); the instance is closed once it has had no lease for
 * DUCKDB_IDLE_CLOSE_MS, so another process (a CLI beside the server) can take the file.
 *
 * The file is opened read-write (DuckDB lets one process at a time do that). While another
 * process holds it, opening retries with backoff for DUCKDB_LOCK_WAIT_MS and then throws
 * WarehouseBusyError. Spill files go to `<file>.tmp/<pid>`; folders of dead processes and stray
 * spill files are removed whenever the instance opens.
 */

/**
 * Analyses read with a bounded buffer pool: DuckDB's own default is 80% of RAM, and at 5M users
 * the per-user hash tables of one analysis would take ~3.5 GB. With the limit DuckDB evicts
 * cached table blocks first and spills hash tables to disk only when it must. The limit belongs
 * to the instance, so it caps all concurrent analyses of the process together.
 */
export const DEFAULT_ANALYSIS_MEMORY_LIMIT = "1GB";
// Measured at 5M users (CLI peak RSS over the demo experiments, 3–5 runs each): 1.2GB gave 1.6–2.4 GB,
// past the 2 GB target; 1GB gives 1.4–1.9 GB at the same speed; 800MB runs out of memory.

/** Freed memory goes back to the OS after each task above this, not kept in thread caches (DuckDB's default is 128MB). */
const ALLOCATOR_FLUSH_THRESHOLD = "16MB";

/**
 * Seeding generates and sorts its rows in chunks of users; this bounds the buffer pool the chunk
 * works in (DuckDB's own default, 80% of RAM, let the 5M-user seed reach 13.7 GB of RSS).
 */
export const DEFAULT_BULK_MEMORY_LIMIT = "2GB";

export interface DuckDbInstanceOptions {
  /** DuckDB `memory_limit` (default: DUCKDB_MEMORY_LIMIT, else DEFAULT_ANALYSIS_MEMORY_LIMIT) */
  memoryLimit?: string;
  /** DuckDB `threads` (default: DUCKDB_THREADS, else one per core) */
  threads?: number;
  /** A bulk build (seeding): DEFAULT_BULK_MEMORY_LIMIT unless DUCKDB_MEMORY_LIMIT says otherwise. */
  bulkWrite?: boolean;
  /** Create the file when it is missing (otherwise a missing warehouse is an error). */
  create?: boolean;
  /** Stops waiting for the file (another process holds it) when aborted: a cancelled analysis. */
  signal?: AbortSignal;
}

/** Another process holds the warehouse file and did not let go in time. */
export class WarehouseBusyError extends WarehouseError {
  constructor(
    readonly waitedMs: number,
    /** the holder's process id, for command-line messages only (never shown on a page) */
    readonly holderPid: number | null,
  ) {
    super(
      `the DuckDB warehouse is in use by another process (still busy after ${Math.round(waitedMs / 100) / 10} s); try again when it has finished`,
      "duckdb",
    );
    this.name = "WarehouseBusyError";
  }
}

export interface DuckDbLease {
  readonly file: string;
  readonly connection: DuckDBConnection;
  /** Gives the connection back; `closeInstance` closes the instance at once if this was the last lease. */
  release(options?: { closeInstance?: boolean }): void;
}

interface Entry {
  file: string;
  instance: DuckDBInstance | null;
  opening: Promise<DuckDBInstance> | null;
  leases: number;
  idleTimer: NodeJS.Timeout | null;
  /** set while someone has the file to itself (replacing it); new leases wait for it */
  exclusive: Promise<void> | null;
  drained: (() => void) | null;
}

interface Registry {
  entries: Map<string, Entry>;
}

const globalForDuckDb = globalThis as unknown as { duckdbInstances?: Registry };
const registry: Registry = (globalForDuckDb.duckdbInstances ??= createRegistry());

function createRegistry(): Registry {
  const created: Registry = { entries: new Map() };
  // a CLI ends with process.exit: close what is idle so the file is left clean (no stray spill folder)
  process.once("exit", () => {
    for (const entry of created.entries.values()) if (entry.leases === 0) closeInstance(entry);
  });
  return created;
}

function entryFor(file: string): Entry {
  const key = path.resolve(file);
  let entry = registry.entries.get(key);
  if (!entry) {
    entry = { file: key, instance: null, opening: null, leases: 0, idleTimer: null, exclusive: null, drained: null };
    registry.entries.set(key, entry);
  }
  return entry;
}

export function spillDirectory(file: string, pid = process.pid): string {
  return path.join(`${path.resolve(file)}.tmp`, String(pid));
}

function engineSettings(file: string, options: DuckDbInstanceOptions): Record<string, string> {
  const settings: Record<string, string> = { temp_directory: spillDirectory(file) };
  const limit = options.memoryLimit ?? config().DUCKDB_MEMORY_LIMIT ?? (options.bulkWrite ? DEFAULT_BULK_MEMORY_LIMIT : DEFAULT_ANALYSIS_MEMORY_LIMIT);
  if (limit) settings.memory_limit = limit;
  settings.allocator_flush_threshold = ALLOCATOR_FLUSH_THRESHOLD;
  const threads = options.threads ?? config().DUCKDB_THREADS;
  if (threads !== undefined) {
    if (!Number.isInteger(threads) || threads < 1) throw new WarehouseError(`DuckDB threads (DUCKDB_THREADS) must be a whole number ≥ 1 (got ${threads})`, "duckdb");
    settings.threads = String(threads);
  }
  return settings;
}

/** Thrown inside the retry loop while another process holds the file. */
class FileLockedError extends Error {
  constructor(readonly holderPid: number | null) {
    super("the DuckDB file is locked by another process");
  }
}

/** Opens `file`, waiting up to DUCKDB_LOCK_WAIT_MS while another process holds it. */
async function openWithRetry(file: string, settings: Record<string, string>): Promise<DuckDBInstance> {
  const waitMs = config().DUCKDB_LOCK_WAIT_MS;
  let holderPid: number | null = null;
  try {
    return await pRetry(
      async () => {
        try {
          return await DuckDBInstance.create(file, settings);
        } catch (err) {
          const message = (err as Error).message;
          if (!/Could not set lock on file/i.test(message)) {
            throw new AbortError(new WarehouseError(`cannot open the DuckDB warehouse: ${message}`, "duckdb"));
          }
          const pid = /\(PID (\d+)\)/.exec(message)?.[1];
          holderPid = pid ? Number(pid) : null;
          throw new FileLockedError(holderPid);
        }
      },
      { retries: Number.POSITIVE_INFINITY, minTimeout: 50, factor: 1.5, maxTimeout: 1000, randomize: true, maxRetryTime: waitMs },
    );
  } catch (err) {
    if (err instanceof FileLockedError) throw new WarehouseBusyError(waitMs, holderPid);
    throw err;
  }
}

/**
 * Spill files of processes that are gone (killed mid-analysis) are never read again. Called with
 * the file open, so no other process is using the folder; live processes' folders stay.
 */
export function removeStraySpillFiles(file: string): void {
  const dir = `${path.resolve(file)}.tmp`;
  let items;
  try {
    items = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const item of items) {
    const full = path.join(dir, item.name);
    if (item.isDirectory() && /^\d+$/.test(item.name)) {
      const pid = Number(item.name);
      if (pid !== process.pid && !isProcessAlive(pid)) rmSync(full, { recursive: true, force: true });
    } else if (item.isFile() && item.name.startsWith("duckdb_temp_")) {
      rmSync(full, { force: true }); // spill files of the layout before per-process folders
    }
  }
}

async function ensureOpen(entry: Entry, options: DuckDbInstanceOptions): Promise<DuckDBInstance> {
  if (entry.instance) return entry.instance;
  entry.opening ??= (async () => {
    if (!options.create && !existsSync(entry.file)) {
      throw new WarehouseError(`the DuckDB warehouse file ${entry.file} does not exist; run \`npm run seed\` or set DUCKDB_PATH`, "duckdb");
    }
    const instance = await openWithRetry(entry.file, engineSettings(entry.file, options));
    // With the file ours, nobody else touches its spill folders. Ours is stale if it exists (a
    // process that had our pid before is gone). DuckDB would create it on its first spill, but not
    // its parent, which the process before us removed when it closed and left it empty. Only an
    // instance whose spill folder is ready is kept: otherwise the next lease opens it anew.
    try {
      const spill = spillDirectory(entry.file);
      rmSync(spill, { recursive: true, force: true });
      mkdirSync(spill, { recursive: true });
      removeStraySpillFiles(entry.file);
    } catch (err) {
      instance.closeSync();
      throw err;
    }
    entry.instance = instance;
    return instance;
  })().finally(() => {
    entry.opening = null;
  });
  return entry.opening;
}

function closeInstance(entry: Entry): void {
  if (entry.idleTimer) clearTimeout(entry.idleTimer);
  entry.idleTimer = null;
  if (!entry.instance) return;
  // tidied while the file is still ours (no lease: nothing is spilled), so no other process has
  // opened it yet and made its own folder in there. Tidying is best effort: a folder that cannot
  // be removed must not keep the file open (locked for every other process) for good.
  try {
    rmSync(spillDirectory(entry.file), { recursive: true, force: true });
    rmdirSync(`${entry.file}.tmp`); // only when empty
  } catch {
    // a folder of another process is still there, or the spill folder cannot be removed
  }
  entry.instance.closeSync();
  entry.instance = null;
}

function lastLeaseGone(entry: Entry, closeNow: boolean): void {
  if (entry.drained) {
    entry.drained();
    return;
  }
  if (closeNow) return closeInstance(entry);
  const idleMs = config().DUCKDB_IDLE_CLOSE_MS;
  if (idleMs === 0) return closeInstance(entry);
  if (entry.idleTimer) clearTimeout(entry.idleTimer);
  entry.idleTimer = setTimeout(() => {
    entry.idleTimer = null;
    if (entry.leases === 0 && !entry.opening) closeInstance(entry);
  }, idleMs);
  entry.idleTimer.unref();
}

/** `p`, or a rejection as soon as `signal` aborts (`p` itself goes on). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new WarehouseError("query cancelled", "duckdb"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new WarehouseError("query cancelled", "duckdb"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** A connection of its own on the process' one instance of `file` (opened, or waited for, as needed). */
export async function acquireDuckDb(file: string, options: DuckDbInstanceOptions = {}): Promise<DuckDbLease> {
  if (file === ":memory:") return privateMemoryLease(options);
  const entry = entryFor(file);
  while (entry.exclusive) await entry.exclusive;
  entry.leases += 1;
  if (entry.idleTimer) clearTimeout(entry.idleTimer);
  entry.idleTimer = null;
  let connection: DuckDBConnection;
  const opening = ensureOpen(entry, options);
  try {
    connection = await (await untilAborted(opening, options.signal)).connect();
  } catch (err) {
    entry.leases -= 1;
    if (entry.leases === 0) lastLeaseGone(entry, false);
    // a waiter that gave up: the open goes on for any other; if nobody wants it once open, it closes when idle
    if (options.signal?.aborted) opening.then(() => entry.leases === 0 && lastLeaseGone(entry, false), () => undefined);
    throw err;
  }
  let released = false;
  return {
    file: entry.file,
    connection,
    release({ closeInstance: closeNow = false } = {}) {
      if (released) return;
      released = true;
      connection.closeSync();
      entry.leases -= 1;
      if (entry.leases === 0) lastLeaseGone(entry, closeNow);
    },
  };
}

/** Every `:memory:` database is its own; nothing to share or lock. */
async function privateMemoryLease(options: DuckDbInstanceOptions): Promise<DuckDbLease> {
  const settings = engineSettings(":memory:", options);
  delete settings.temp_directory;
  const instance = await DuckDBInstance.create(":memory:", settings);
  const connection = await instance.connect();
  let released = false;
  return {
    file: ":memory:",
    connection,
    release() {
      if (released) return;
      released = true;
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Replaces `file` with `replacement` (a finished build) while nobody uses it: leases in this
 * process are waited for and new ones wait, and other processes are kept out by holding the old
 * file open read-only (waiting up to DUCKDB_LOCK_WAIT_MS for them to let go). A process that held
 * the file before opens the new one next time; nobody has it open while it is swapped.
 */
export async function replaceDuckDbFile(file: string, replacement: string): Promise<void> {
  const entry = entryFor(file);
  while (entry.exclusive) await entry.exclusive;
  let done!: () => void;
  entry.exclusive = new Promise<void>((resolve) => (done = resolve));
  try {
    if (entry.leases > 0 || entry.opening) {
      await new Promise<void>((resolve) => (entry.drained = resolve));
      entry.drained = null;
    }
    closeInstance(entry);
    let guard: DuckDBInstance | null = null;
    if (existsSync(entry.file)) {
      try {
        guard = await openWithRetry(entry.file, { access_mode: "READ_ONLY" });
      } catch (err) {
        // a file DuckDB cannot read at all (damaged, another version) is replaced all the same
        if (err instanceof WarehouseBusyError) throw err;
      }
    }
    try {
      rmSync(`${entry.file}.wal`, { force: true });
      renameSync(replacement, entry.file);
    } finally {
      guard?.closeSync();
    }
    removeStraySpillFiles(entry.file);
  } finally {
    entry.exclusive = null;
    done();
  }
}

/** What the registry holds now (tests, diagnostics). */
export function duckDbInstanceState(file: string): { open: boolean; leases: number } {
  const entry = registry.entries.get(path.resolve(file));
  return { open: Boolean(entry?.instance), leases: entry?.leases ?? 0 };
}

/** Closes every instance that has no lease (tests; a process about to hand the file over). */
export function closeIdleDuckDbInstances(): void {
  for (const entry of registry.entries.values()) if (entry.leases === 0 && !entry.opening) closeInstance(entry);
}
