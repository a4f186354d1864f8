// `npm run stats`: one JSON request on stdin, one JSON answer on stdout (shared/docs/STATS-CLI.md).
// Bad input: exit code 2 and one line on stderr naming the offending field.
import { runStatsCli } from '../lib/stats/cli';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

readStdin().then(
  (text) => {
    const { exitCode, stdout, stderr } = runStatsCli(text);
    if (stdout) process.stdout.write(stdout);
    if (stderr) process.stderr.write(stderr);
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`stats: cannot read stdin: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
