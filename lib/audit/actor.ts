import { actorOf, type Principal } from "@/lib/auth/principal";

/** Who did something: a principal of a request, or the system itself (a CLI, a schedule, the server). */
export type Actor = Principal | { kind: "system"; name: string };

export interface ActorFields {
  actorType: "user" | "key" | "anonymous" | "system";
  actorId: string | null;
  actorName: string;
}

export function actorFields(a: Actor): ActorFields {
  if (a.kind === "system") return { actorType: "system", actorId: null, actorName: a.name };
  return actorOf(a);
}

/** A short name for run rows and messages ("ann@example.com", "API key “ci”", "command line"). */
export function actorName(a: Actor): string {
  return actorFields(a).actorName;
}
