// `npm run stats`: one JSON request on stdin, one JSON answer on stdout (shared/docs/STATS-CLI.md).
// Bad input: exit code 2 and one line on stderr naming the offending field.
// Output is written once and the process ends by itself (exitCode, no process.exit), so a pipe drains.
import { REQUEST_LIMITS } from '../lib/stats/bounds';
import { runStatsCli, tooLarge } from '../lib/stats/cli';

/** stdin as text, or null once it passes `limit` bytes (reading stops there). */
async function readStdin(limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > limit) return null; // leaving the loop destroys the stream
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

readStdin(REQUEST_LIMITS.bytes).then(
  (text) => {
    const { exitCode, stdout, stderr } = text === null ? tooLarge() : runStatsCli(text);
    if (stdout) process.stdout.write(stdout);
    if (stderr) process.stderr.write(stderr);
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`stats: cannot read stdin: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
