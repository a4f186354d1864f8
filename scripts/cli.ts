// Shared by the CLI entry points: one-line errors on stderr, no stack traces for expected failures.
import { cliErrorMessage } from "./cli-errors";

export function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

export function wholeNumber(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) fail(`--${name} must be a whole number (got "${value}")`, 2);
  if (n < min) fail(`--${name} must be at least ${min} (got ${n})`, 2);
  return n;
}

export async function main(run: () => Promise<void>): Promise<void> {
  try {
    await run();
    process.exit(0);
  } catch (err) {
    fail(`error: ${cliErrorMessage(err)}`);
  }
}
