// Starts the built app (next start) as its own process group on a free port, with its own
// environment, for tests and measurements that need a real server they may kill and restart.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

export interface AppServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** signals the whole process group (next start and anything it started) */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the exit */
  stop(): Promise<void>;
  readonly exited: Promise<number | null>;
  /** what the server wrote (for failure messages) */
  output(): string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited before it was up:\n${log()}`);
    try {
      const res = await fetch(`${url}/api/collect/status`, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`the server did not come up within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `env` is added to this process's environment; the app must have been built (next build). */
export async function startAppServer(options: { port: number; env: Record<string, string>; cwd?: string; timeoutMs?: number }): Promise<AppServer> {
  const cwd = options.cwd ?? process.cwd();
  const child = spawn(path.join(cwd, "node_modules", ".bin", "next"), ["start", "-p", String(options.port), "-H", "127.0.0.1"], {
    cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${options.port}`;
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  try {
    await waitUntilUp(url, child, () => log, options.timeoutMs ?? 60_000);
  } catch (err) {
    kill("SIGKILL");
    throw err;
  }
  return {
    url,
    port: options.port,
    pid: child.pid!,
    kill,
    async stop() {
      kill("SIGTERM");
      const timer = setTimeout(() => kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
    exited,
    output: () => log,
  };
}
