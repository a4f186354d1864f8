// What an error may tell the person who met it (DESIGN §4). Messages written for people (the
// warehouse's own errors, our validation and "not found" messages) are shown as they are, minus
// absolute paths, process ids and user names. Faults (programming errors, the app database, the
// file system) are logged with their stack under a short reference id, and the person sees a
// plain sentence with that id, never a stack, a query engine's internals or a source path.
import { randomBytes } from "node:crypto";
import { WarehouseError } from "@/lib/warehouse/types";

/** Where internal faults go: the server log by default; the CLIs write a log file instead. */
export interface ErrorLog {
  write(ref: string, context: string, err: unknown): void;
  /** how the plain message names this log, e.g. "the server log" */
  where: string;
}

const consoleLog: ErrorLog = {
  write: (ref, context, err) => console.error(`[error ${ref}] ${context}:`, err),
  where: "the server log",
};

// on globalThis: Next bundles route handlers and pages separately, each with its own module copy
const slot = globalThis as typeof globalThis & { __publicErrorLog?: ErrorLog };

/** Sends this process's internal faults to another log (a CLI's log file). */
export function setErrorLog(log: ErrorLog): void {
  slot.__publicErrorLog = log;
}

function errorLog(): ErrorLog {
  return slot.__publicErrorLog ?? consoleLog;
}

// Native errors thrown by a mistake in code, not by a person's input or the warehouse.
const FAULTS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError, AggregateError];

/**
 * A fault rather than a message written for people: not an Error at all, a native programming
 * error, an app-database error (Prisma, libSQL), a schema dump (zod) or a system error (ENOENT,
 * SQLITE_BUSY: a string `code`). The warehouse's errors (WarehouseError) and plain `Error`s
 * thrown by our own checks are messages.
 */
export function isInternalError(err: unknown): boolean {
  if (err instanceof WarehouseError) return false;
  if (!(err instanceof Error)) return true;
  if (FAULTS.some((kind) => err instanceof kind)) return true;
  if (/^(Prisma|Libsql|Sqlite|Zod)/i.test(err.name) || /^(Prisma|Zod)/.test(err.constructor?.name ?? "")) return true;
  return typeof (err as { code?: unknown }).code === "string";
}

// An absolute path (POSIX or Windows, or a file: URL) where a word starts: kept as its last part.
const POSIX_PATH = /(^|[\s"'`([{=,<])(?:file:(?:\/\/)?)?\/(?:[^\s"'`()[\]{}<>,;:/]+\/)+([^\s"'`()[\]{}<>,;:/]*)/g;
const WINDOWS_PATH = /(^|[\s"'`([{=,<])[A-Za-z]:\\(?:[^\s"'`()[\]{}<>,;:\\]+\\)+([^\s"'`()[\]{}<>,;:\\]*)/g;
const PID_IN_PARENS = /\s*\(\s*pid\s*[:=]?\s*\d+\s*\)/gi;
const PID = /\bpid\s*[:=]?\s*\d+/gi;
const BY_USER = /\s+by user \S+?(?=[.,;]?(?:\s|$))/gi;

/** The text without absolute paths (their last part stays), process ids or user names. */
export function scrubInternals(text: string): string {
  return text
    .replace(POSIX_PATH, "$1$2")
    .replace(WINDOWS_PATH, "$1$2")
    .replace(PID_IN_PARENS, "")
    .replace(PID, "another process")
    .replace(BY_USER, "");
}

/** A short id to find the logged details by (8 hex digits). */
export function newReference(): string {
  return randomBytes(4).toString("hex");
}

/**
 * What to tell a person about `err`. `what` opens the plain message of a fault ("the analysis
 * failed"); the fault itself is written to the error log under the reference it names.
 */
export function publicMessage(err: unknown, what: string): string {
  if (!isInternalError(err)) return scrubInternals((err as Error).message || what);
  const ref = newReference();
  const log = errorLog();
  try {
    log.write(ref, what, err);
  } catch {
    // a log that cannot be written must not hide the message
  }
  return `${what}: an internal error occurred (reference ${ref}; the details are in ${log.where})`;
}
