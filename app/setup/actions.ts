"use server";

import { recordAudit } from "@/lib/audit/log";
import { completeSetup } from "@/lib/auth/setup";
import { UserError } from "@/lib/auth/users";
import { publicMessage } from "@/lib/public-error";
import { ZodError } from "zod";

export interface SetupState {
  ok: boolean;
  message: string | null;
}

/** Creates the first admin. Guarded by the one-time setup token (not by a role: there are no users yet). */
export async function completeSetupAction(values: { token: string; email: string; name: string; password: string }): Promise<SetupState> {
  try {
    const user = await completeSetup({
      token: String(values.token ?? ""),
      email: String(values.email ?? ""),
      name: String(values.name ?? "") || undefined,
      password: String(values.password ?? ""),
    });
    await recordAudit({ kind: "system", name: "first-admin setup" }, { action: "created", targetType: "user", targetId: user.email, summary: `first admin ${user.email}` });
    return { ok: true, message: null };
  } catch (err) {
    if (err instanceof UserError) return { ok: false, message: err.message };
    if (err instanceof ZodError) return { ok: false, message: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
    return { ok: false, message: publicMessage(err, "the admin could not be created") };
  }
}
