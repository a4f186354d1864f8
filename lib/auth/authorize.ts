import { config } from "@/lib/config";
import { findApiKey, keyScope, markKeyUsed, type KeyScope } from "./api-keys";
import { getAuth } from "./auth";
import type { Principal } from "./principal";
import { isRole, roleAllows, type Role } from "./roles";

// THE authorisation check. Every route handler and server action (and every page, for reads) asks
// `requireRole(need, request?)` before doing anything; it resolves who is asking, from
//   1. `Authorization: Bearer exr_…`  an API key (read → viewer, write → editor, client → nothing here),
//   2. Better Auth's session cookie    a signed-in user with their role,
//   3. neither                         a visitor, whose role is ANONYMOUS_ROLE (none or viewer),
// and either returns that principal or throws AccessDenied (401: sign in / a valid key is needed;
// 403: signed in or keyed, but not allowed). Route handlers use `guardedRoute` (lib/http/guarded-route.ts).

export class AccessDenied extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = "AccessDenied";
  }

  toResponse(): Response {
    return Response.json({ error: this.message }, { status: this.status, headers: this.status === 401 ? { "www-authenticate": "Bearer" } : {} });
  }
}

const KEY_ROLE: Record<KeyScope, Role | null> = { read: "viewer", write: "editor", client: null };

function bearer(headers: Headers): string | null {
  const value = headers.get("authorization");
  if (!value) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
  if (!m) throw new AccessDenied(401, "the Authorization header must be “Bearer <API key>”");
  return m[1]!;
}

/** Who is asking. Throws AccessDenied for a bearer token that is not a live key (never falls back to anonymous). */
export async function resolvePrincipal(headers: Headers): Promise<Principal> {
  const token = bearer(headers);
  if (token !== null) {
    const key = await findApiKey(token);
    if (!key) throw new AccessDenied(401, "the API key is not valid (unknown or revoked)");
    await markKeyUsed(key);
    const scope = keyScope(key);
    return { kind: "key", id: key.id, name: key.name, scope, role: KEY_ROLE[scope] };
  }
  const session = await (await getAuth()).api.getSession({ headers });
  if (session) {
    const u = session.user;
    return { kind: "user", id: u.id, name: u.name, email: u.email, role: isRole(u.role) ? u.role : "viewer" };
  }
  return { kind: "anonymous", role: config().ANONYMOUS_ROLE === "viewer" ? "viewer" : null };
}

const NEEDS: Record<Role, string> = {
  viewer: "read",
  editor: "change experiments or run analyses",
  admin: "manage users, keys and webhooks",
};

function refusal(p: Principal, need: Role): AccessDenied {
  const what = NEEDS[need];
  if (p.kind === "anonymous") return new AccessDenied(401, `sign in to ${what}`);
  if (p.kind === "key") {
    if (p.scope === "client") return new AccessDenied(403, "a client key may only fetch the SDK payload and post to the collection endpoint");
    if (need === "admin") return new AccessDenied(403, `API keys cannot ${what}; sign in as an admin`);
    return new AccessDenied(403, `this API key is read-only: a write key is needed to ${what}`);
  }
  return new AccessDenied(403, `your role (${p.role}) may not ${what}: that needs the ${need} role`);
}

async function headersOf(from: Request | Headers | undefined): Promise<Headers> {
  if (from instanceof Headers) return from;
  if (from) return from.headers;
  // a server action or a page: the request's headers as Next holds them
  const { headers } = await import("next/headers");
  return new Headers(await headers());
}

/**
 * The principal when it holds at least `need`, else AccessDenied. Pass the Request in route
 * handlers; server actions and pages pass nothing (their request's headers are read from Next).
 */
export async function requireRole(need: Role, from?: Request | Headers): Promise<Principal> {
  const p = await resolvePrincipal(await headersOf(from));
  if (roleAllows(p.role, need)) return p;
  throw refusal(p, need);
}

/** The principal (never throws for a missing role: for showing who is signed in). */
export async function currentPrincipal(from?: Request | Headers): Promise<Principal> {
  try {
    return await resolvePrincipal(await headersOf(from));
  } catch {
    return { kind: "anonymous", role: config().ANONYMOUS_ROLE === "viewer" ? "viewer" : null };
  }
}
