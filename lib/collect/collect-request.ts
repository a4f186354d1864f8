// POST /api/collect as a function of the request (the route only exports it): a client key (the
// Authorization header, or ?key= for navigator.sendBeacon, which cannot set headers), CORS for the
// key's allowed origins, a per key-and-address rate limit, the batch checked item by item, and the
// valid items stored before the answer, so whatever is acknowledged is durable.
import { authorizeClientKey, corsHeaders, corsPreflight } from "@/lib/auth/client-keys";
import { sizeText } from "@/lib/http/body-limit";
import { clientAddress, consumeRate } from "@/lib/http/rate-limit";
import { publicMessage } from "@/lib/public-error";
import { storeItems } from "./inbox";
import { batchItems, parseBatch } from "./items";
import { readTextWithin } from "./read-body";

/** 1,000 items of the largest allowed size fit with room to spare. */
export const COLLECT_BODY_LIMIT_BYTES = 1024 * 1024;
const METHODS = "POST, OPTIONS";

export interface CollectAnswer {
  /** items stored now */
  accepted: number;
  /** valid items already stored (sent before, or twice in this batch): nothing to do */
  duplicates: number;
  /** items refused, by their index in the batch, with the reason */
  rejected: { index: number; error: string }[];
}

function answer(body: unknown, status: number, headers: Record<string, string>): Response {
  return Response.json(body, { status, headers: { ...headers, "cache-control": "no-store" } });
}

export async function handleCollect(req: Request): Promise<Response> {
  const check = await authorizeClientKey(req, new URL(req.url).searchParams.get("key"));
  if (!check.ok) return check.response;
  const cors = corsHeaders(check.origin, METHODS);
  const limited = await consumeRate("collection", `${check.key.id}:${clientAddress(req.headers) ?? "direct"}`);
  if (limited) {
    for (const [k, v] of Object.entries(cors)) limited.headers.set(k, v);
    return limited;
  }
  const text = await readTextWithin(req, COLLECT_BODY_LIMIT_BYTES);
  if (text === null) return answer({ error: `request body too large: at most ${sizeText(COLLECT_BODY_LIMIT_BYTES)} (and 1,000 items) per request` }, 413, cors);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return answer({ error: `the body is not JSON: ${(err as Error).message}` }, 400, cors);
  }
  const items = batchItems(body);
  if (!items.ok) return answer({ error: items.error }, 400, cors);
  const parsed = parseBatch(items.items);
  let accepted: number;
  try {
    accepted = await storeItems(parsed.items);
  } catch (err) {
    // nothing is acknowledged: the client sends the batch again (its event ids keep that safe)
    return answer({ error: publicMessage(err, "the items could not be stored; send them again") }, 503, { ...cors, "retry-after": "1" });
  }
  const result: CollectAnswer = { accepted, duplicates: parsed.items.length - accepted + parsed.repeated, rejected: parsed.rejected };
  return answer(result, 200, cors);
}

export function collectPreflight(req: Request): Promise<Response> {
  return corsPreflight(req, new URL(req.url).searchParams.get("key"), METHODS);
}
