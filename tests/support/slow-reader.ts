import { spawn } from "node:child_process";

export interface Finished {
  /** the command's own exit code (not the reader's) */
  code: number | null;
  /** everything the reader got */
  stdout: string;
  stderr: string;
}

/**
 * Runs `command | (sleep; cat)`: the pipe (64 KiB on Linux) fills while the reader sleeps, as with
 * `| jq` on a busy machine; then everything the command delivered is read.
 */
export function runWithSlowReader(command: string, args: string[], env: NodeJS.ProcessEnv, delayMs = 300): Promise<Finished> {
  const pipeline = `"$@" | (sleep ${delayMs / 1000}; cat); exit "\${PIPESTATUS[0]}"`;
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", pipeline, "bash", command, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
  });
}
