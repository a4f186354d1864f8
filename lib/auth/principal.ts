import type { Role } from "./roles";
import type { KeyScope } from "./api-keys";

/** Who is asking: a signed-in user, an API key, or a visitor (whose role is ANONYMOUS_ROLE). */
export type Principal =
  | { kind: "user"; id: string; name: string; email: string; role: Role }
  | { kind: "key"; id: string; name: string; scope: KeyScope; role: Role | null }
  | { kind: "anonymous"; role: Role | null };

/** How the audit log and run rows name a principal. */
export function actorOf(p: Principal): { actorType: "user" | "key" | "anonymous"; actorId: string | null; actorName: string } {
  if (p.kind === "user") return { actorType: "user", actorId: p.id, actorName: p.email };
  if (p.kind === "key") return { actorType: "key", actorId: p.id, actorName: `API key “${p.name}”` };
  return { actorType: "anonymous", actorId: null, actorName: "anonymous" };
}

/** One id per principal for per-caller limits (rate limits). */
export function principalKey(p: Principal, address?: string | null): string {
  if (p.kind === "user") return `user:${p.id}`;
  if (p.kind === "key") return `key:${p.id}`;
  return `anonymous:${address ?? "unknown"}`;
}
