// Shared by the CLI entry points: one-line errors on stderr, no stack traces for expected failures,
// and no output lost on exit. Writes to a pipe are asynchronous on POSIX, so process.exit() right
// after a large write drops whatever the reader has not taken yet (`--json | jq` was cut at 64 KiB);
// every exit therefore waits until stdout and stderr have handed their data to the OS.

import { cliErrorMessage } from "./cli-errors";

/** fail() unwinds to main() with this, so main can flush before it exits. */
class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  throw new CliExit(code);
}

export function wholeNumber(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) fail(`--${name} must be a whole number (got "${value}")`, 2);
  if (n < min) fail(`--${name} must be at least ${min} (got ${n})`, 2);
  return n;
}

/** Resolves once everything written to the stream so far is flushed (or the stream failed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  // writes complete in order, so an empty write's callback runs after all earlier data is out
  return new Promise((resolve) => (stream.writableEnded || stream.destroyed ? resolve() : stream.write("", () => resolve())));
}

/** Exits with `code` once stdout and stderr are flushed. */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

// A reader that went away (`| head`) is not an error of ours: stop quietly instead of a stack trace.
function exitOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(Number(process.exitCode ?? 0));
    throw err;
  });
}

/**
 * Runs a CLI's body and exits: 0 (or `process.exitCode` if the body set one), fail()'s code, or 1
 * with a one-line message for anything unexpected; always after the output is flushed.
 */
export async function main(run: () => Promise<void>): Promise<void> {
  exitOnBrokenPipe(process.stdout);
  let code: number;
  try {
    await run();
    code = Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CliExit) {
      code = err.code;
    } else {
      process.stderr.write(`error: ${cliErrorMessage(err)}\n`);
      code = 1;
    }
  }
  await exitWhenFlushed(code);
}
