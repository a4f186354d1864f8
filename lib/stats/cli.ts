// The stats CLI as a pure function: request text in, exit code and output text out.
import { analyze } from './analyze';
import { REQUEST_LIMITS } from './bounds';
import { powerAnalysis } from './power';
import { parseRequest } from './request-schema';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const INVALID_INPUT = 2;

/** The answer to a request larger than REQUEST_LIMITS.bytes (the reader stops there). */
export function tooLarge(): CliResult {
  const mib = REQUEST_LIMITS.bytes / (1024 * 1024);
  return { exitCode: INVALID_INPUT, stdout: '', stderr: `invalid request: more than ${mib} MiB of JSON on stdin (the limit)\n` };
}

export function runStatsCli(text: string): CliResult {
  if (Buffer.byteLength(text, 'utf8') > REQUEST_LIMITS.bytes) return tooLarge();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { exitCode: INVALID_INPUT, stdout: '', stderr: `invalid JSON: ${reason.replace(/\s*\n\s*/g, ' ')}\n` };
  }
  const parsed = parseRequest(json);
  if (!parsed.ok) return { exitCode: INVALID_INPUT, stdout: '', stderr: `${parsed.error}\n` };
  const answer = parsed.value.kind === 'power' ? powerAnalysis(parsed.value.request) : analyze(parsed.value.request);
  return { exitCode: 0, stdout: `${JSON.stringify(answer, null, 2)}\n`, stderr: '' };
}
