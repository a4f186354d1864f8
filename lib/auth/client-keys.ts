import { findApiKey, keyOrigins, keyScope, markKeyUsed, type ApiKeyRow } from "./api-keys";

// Client keys are for the SDK payload (GET /api/features/<key>) and the collection endpoint
// (POST /api/collect): they sit in apps and web pages, so they can do nothing else, and a browser
// may use one only from the key's allowed origins. Requests without an Origin (mobile apps,
// servers) are not browsers and need only the key.

export type ClientKeyCheck = { ok: true; key: ApiKeyRow; origin: string | null } | { ok: false; response: Response };

function refuse(status: 401 | 403, error: string, headers: HeadersInit = {}): ClientKeyCheck {
  return { ok: false, response: Response.json({ error }, { status, headers }) };
}

/** The key from `Authorization: Bearer …`, else the one the route found in its path. */
function presentedKey(request: Request, fromPath?: string | null): string | null {
  const auth = request.headers.get("authorization");
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m?.[1] ?? fromPath ?? null;
}

/**
 * The live client key of this request and the allowed browser origin (if any), or the refusal to
 * send: 401 without a key or with an unknown/revoked one, 403 for a secret key or a browser
 * origin the key does not allow.
 */
export async function authorizeClientKey(request: Request, keyFromPath?: string | null): Promise<ClientKeyCheck> {
  const presented = presentedKey(request, keyFromPath);
  if (!presented) return refuse(401, "a client key is needed (Authorization: Bearer exr_client_…)", { "www-authenticate": "Bearer" });
  const key = await findApiKey(presented);
  if (!key) return refuse(401, "the client key is not valid (unknown or revoked)", { "www-authenticate": "Bearer" });
  if (keyScope(key) !== "client") return refuse(403, "use a client key here: secret keys must not be sent from apps or pages");
  const origin = request.headers.get("origin");
  if (origin !== null && !keyOrigins(key).includes(origin)) {
    return refuse(403, `the origin ${origin.slice(0, 200)} is not allowed for this client key`);
  }
  await markKeyUsed(key);
  return { ok: true, key, origin };
}

/** CORS headers for a response to an allowed browser origin (none when there is no origin). */
export function corsHeaders(origin: string | null, methods = "GET, POST, OPTIONS"): Record<string, string> {
  if (!origin) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": methods,
    "access-control-allow-headers": "authorization, content-type",
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

/**
 * The answer to a CORS preflight (OPTIONS). A preflight carries no credentials, so it is answered
 * for any origin when the key in the path (if the route has one) allows it, else for none; the
 * real request is checked by authorizeClientKey.
 */
export async function corsPreflight(request: Request, keyFromPath?: string | null, methods = "GET, POST, OPTIONS"): Promise<Response> {
  const origin = request.headers.get("origin");
  if (keyFromPath) {
    const key = await findApiKey(keyFromPath);
    if (!key || keyScope(key) !== "client" || origin === null || !keyOrigins(key).includes(origin)) return new Response(null, { status: 403 });
  }
  return new Response(null, { status: 204, headers: corsHeaders(origin, methods) });
}
