// The CLIs' error log: a fault's stack goes to a file, the terminal gets one plain line naming the
// reference and the file (npm does the same with its debug log).
import { appendFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { publicMessage, setErrorLog } from "@/lib/public-error";

export const CLI_ERROR_LOG = path.join(os.tmpdir(), "experiment-results", "cli-errors.log");

setErrorLog({
  where: CLI_ERROR_LOG,
  write(ref, context, err) {
    mkdirSync(path.dirname(CLI_ERROR_LOG), { recursive: true });
    const command = path.basename(process.argv[1] ?? "cli");
    appendFileSync(CLI_ERROR_LOG, `${new Date().toISOString()} [error ${ref}] ${command} (pid ${process.pid}): ${context}\n${inspect(err, { depth: 4 })}\n\n`);
  },
});

/** The one line a CLI prints for an error that ended it. */
export function cliErrorMessage(err: unknown): string {
  return publicMessage(err, "the command failed");
}
