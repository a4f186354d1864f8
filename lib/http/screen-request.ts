// Requests the app answers with a client error before routing (run by the proxy, proxy.ts), where
// Next would otherwise answer 500: a path whose percent-escapes do not decode (a lone "%",
// "%FF%FE", overlong UTF-8 "%C0%AE") and a server-action post larger than Next's
// serverActions.bodySizeLimit; and a query string longer than any page takes (414).
// (TRACE never reaches the proxy: see refused-methods.ts.)
import { bodyExceeds, sizeText } from "./body-limit";

/** Next's serverActions.bodySizeLimit; next.config.mjs sets the same number (a test compares them). */
export const SERVER_ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/** The longest query string any page or route takes (view parameters are a few hundred bytes). */
export const QUERY_STRING_LIMIT_BYTES = 4096;

export function hasMalformedPercentEncoding(path: string): boolean {
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

function refusal(path: string, status: number, message: string): Response {
  // the API answers JSON; pages answer a line of text
  if (path.startsWith("/api/")) return Response.json({ error: message }, { status });
  return new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * The answer to send instead of routing, or null to go on. `rawPath` is the path as sent (still
 * percent-encoded). Only a server-action post without Content-Length has its body read, at most
 * the limit plus one byte.
 */
export async function screenRequest(req: Request, rawPath: string): Promise<Response | null> {
  if (hasMalformedPercentEncoding(rawPath)) return refusal(rawPath, 400, "bad request: the address has a malformed %-escape");
  const query = new URL(req.url).search;
  if (Buffer.byteLength(query) > QUERY_STRING_LIMIT_BYTES) {
    return refusal(rawPath, 414, `the query string is too long: at most ${sizeText(QUERY_STRING_LIMIT_BYTES)}`);
  }
  if (req.method.toUpperCase() === "POST" && req.headers.has("next-action")) {
    if (await bodyExceeds(req, SERVER_ACTION_BODY_LIMIT_BYTES)) {
      return refusal(rawPath, 413, `request body too large: a form may send at most ${sizeText(SERVER_ACTION_BODY_LIMIT_BYTES)}`);
    }
  }
  return null;
}
