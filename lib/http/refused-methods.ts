// TRACE and TRACK reach Next as requests it cannot represent (fetch's Request refuses them), so
// Next answers 500 before any route or the proxy runs. They are answered 405 where Node hands a
// request to the server, by wrapping http.Server's emit once per process (instrumentation.ts).
import http from "node:http";

export const REFUSED_METHODS = new Set(["TRACE", "TRACK"]);

const slot = globalThis as typeof globalThis & { __refusedMethodsInstalled?: boolean };

/** 405 for refused methods; true when the request was answered. */
export function refuseMethod(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (!REFUSED_METHODS.has((req.method ?? "").toUpperCase())) return false;
  const body = `the ${req.method} method is not allowed\n`;
  res.writeHead(405, { allow: "GET, HEAD, POST", "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
  return true;
}

export function installMethodGuard(): void {
  if (slot.__refusedMethodsInstalled) return;
  slot.__refusedMethodsInstalled = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request" && refuseMethod(args[0] as http.IncomingMessage, args[1] as http.ServerResponse)) return true;
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}
