// The stats CLI as a pure function: request text in, exit code and output text out.
import { analyze } from './analyze';
import { powerAnalysis } from './power';
import { parseRequest } from './request-schema';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const INVALID_INPUT = 2;

export function runStatsCli(text: string): CliResult {
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
