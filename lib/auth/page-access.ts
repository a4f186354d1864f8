import { redirect } from "next/navigation";
import { AccessDenied, currentPrincipal, requireRole } from "./authorize";
import type { Principal } from "./principal";
import { roleAllows, type Role } from "./roles";

/**
 * For pages: the principal when it holds `need`; otherwise a visitor is sent to sign in (and back
 * to `path` afterwards) and a signed-in user without the role to /forbidden.
 */
export async function requirePageRole(need: Role, path: string): Promise<Principal> {
  try {
    return await requireRole(need);
  } catch (err) {
    if (!(err instanceof AccessDenied)) throw err;
    if (err.status === 401) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
    redirect(`/forbidden?need=${need}`);
  }
}

/** Whether the visitor may read (for metadata, which must not leak names to those who may not). */
export async function mayRead(): Promise<boolean> {
  return roleAllows((await currentPrincipal()).role, "viewer");
}
