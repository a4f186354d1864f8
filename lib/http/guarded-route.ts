// Route handlers are wrapped once: refuse cross-site writes and oversized bodies (writes only),
// then `requireRole` (lib/auth/authorize.ts), then the handler with the principal. A new route:
//   export const POST = guardedRoute({ role: "editor", write: NO_BODY }, async (req, ctx, who) => …);
import { AccessDenied, requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import type { Role } from "@/lib/auth/roles";
import { refuseUnsafeWrite, type WriteLimits } from "./write-guard";

export interface RouteRule {
  /** the least role the caller needs */
  role: Role;
  /** for handlers that change something: the body limit (and the cross-site check) */
  write?: WriteLimits;
}

export function guardedRoute<Ctx>(rule: RouteRule, handler: (req: Request, ctx: Ctx, who: Principal) => Promise<Response>) {
  return async (req: Request, ctx: Ctx): Promise<Response> => {
    if (rule.write) {
      const refused = await refuseUnsafeWrite(req, rule.write);
      if (refused) return refused;
    }
    let who: Principal;
    try {
      who = await requireRole(rule.role, req);
    } catch (err) {
      if (err instanceof AccessDenied) return err.toResponse();
      throw err;
    }
    return handler(req, ctx, who);
  };
}
