"use server";

import { ZodError } from "zod";
import { recordAudit } from "@/lib/audit/log";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { AccessDenied, requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { isRole } from "@/lib/auth/roles";
import { createUser, removeUser, resetPassword, setUserRole, UserError } from "@/lib/auth/users";
import { createWebhook, deleteWebhook, redactedUrl } from "@/lib/notify/webhooks";
import { publicMessage } from "@/lib/public-error";

// The admin page's writes. Each asks requireRole("admin") first and records what it did.

export interface AdminResult {
  ok: boolean;
  message: string | null;
  /** a password or key to show once */
  secret?: string;
}

function problem(err: unknown, what: string): AdminResult {
  if (err instanceof AccessDenied) return { ok: false, message: `Refused: ${err.message}.` };
  if (err instanceof UserError) return { ok: false, message: err.message };
  if (err instanceof ZodError) return { ok: false, message: err.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ") };
  if (err instanceof Error && err.name === "Error" && /^no experiment with id/.test(err.message)) return { ok: false, message: err.message };
  return { ok: false, message: publicMessage(err, what) };
}

async function admin(): Promise<Principal> {
  return requireRole("admin");
}

export async function createUserAction(values: { email: string; name?: string; role: string }): Promise<AdminResult> {
  try {
    const who = await admin();
    const role = isRole(values.role) ? values.role : "viewer";
    const { user, password } = await createUser({ email: String(values.email ?? ""), name: values.name ? String(values.name) : undefined, role });
    await recordAudit(who, { action: "created", targetType: "user", targetId: user.email, summary: `user ${user.email} (${role})` });
    return { ok: true, message: `Created ${user.email}. Give them this one-time password; it is not shown again.`, secret: password };
  } catch (err) {
    return problem(err, "the user could not be created");
  }
}

export async function setRoleAction(userId: string, role: string): Promise<AdminResult> {
  try {
    const who = await admin();
    if (!isRole(role)) return { ok: false, message: "role must be viewer, editor or admin" };
    const { before, user } = await setUserRole(String(userId), role);
    await recordAudit(who, { action: "role-changed", targetType: "user", targetId: user.email, summary: `role: ${before} → ${role}` });
    return { ok: true, message: `${user.email} is now ${role}.` };
  } catch (err) {
    return problem(err, "the role could not be changed");
  }
}

export async function resetPasswordAction(userId: string): Promise<AdminResult> {
  try {
    const who = await admin();
    const password = await resetPassword(String(userId));
    await recordAudit(who, { action: "password-reset", targetType: "user", targetId: String(userId), summary: "one-time password issued; sessions ended" });
    return { ok: true, message: "New one-time password (shown once):", secret: password };
  } catch (err) {
    return problem(err, "the password could not be reset");
  }
}

export async function removeUserAction(userId: string): Promise<AdminResult> {
  try {
    const who = await admin();
    const user = await removeUser(String(userId));
    await recordAudit(who, { action: "deleted", targetType: "user", targetId: user.email, summary: `user ${user.email} (${user.role}) removed` });
    return { ok: true, message: `Removed ${user.email}.` };
  } catch (err) {
    return problem(err, "the user could not be removed");
  }
}

export async function createKeyAction(values: { name: string; scope: string; origins: string }): Promise<AdminResult> {
  try {
    const who = await admin();
    const origins = String(values.origins ?? "")
      .split(/[\s,]+/)
      .filter(Boolean);
    const { key, row } = await createApiKey({ name: String(values.name ?? ""), scope: values.scope as "read", origins }, who.kind === "user" ? who.email : null);
    await recordAudit(who, { action: "key-created", targetType: "key", targetId: row.id, summary: `${row.scope} key “${row.name}”${origins.length ? ` for ${origins.join(", ")}` : ""}` });
    return { ok: true, message: `Key “${row.name}” created. Copy it now; it is not shown again.`, secret: key };
  } catch (err) {
    return problem(err, "the key could not be created");
  }
}

export async function revokeKeyAction(id: string): Promise<AdminResult> {
  try {
    const who = await admin();
    const row = await revokeApiKey(String(id));
    if (!row) return { ok: false, message: "That key does not exist or is revoked already." };
    await recordAudit(who, { action: "key-revoked", targetType: "key", targetId: row.id, summary: `${row.scope} key “${row.name}” revoked` });
    return { ok: true, message: `Key “${row.name}” revoked.` };
  } catch (err) {
    return problem(err, "the key could not be revoked");
  }
}

export async function createWebhookAction(values: { url: string; experimentId: string }): Promise<AdminResult> {
  try {
    const who = await admin();
    const experimentId = String(values.experimentId ?? "") || null;
    const hook = await createWebhook({ url: String(values.url ?? ""), experimentId }, who.kind === "user" ? who.email : null);
    await recordAudit(who, {
      action: "webhook-created",
      targetType: "webhook",
      targetId: String(hook.id),
      experimentId,
      summary: `webhook ${redactedUrl(hook.url)} for ${experimentId ?? "every experiment"}`,
    });
    return { ok: true, message: "Webhook added." };
  } catch (err) {
    return problem(err, "the webhook could not be added");
  }
}

export async function deleteWebhookAction(id: number): Promise<AdminResult> {
  try {
    const who = await admin();
    const hook = await deleteWebhook(Number(id));
    if (!hook) return { ok: false, message: "That webhook does not exist." };
    await recordAudit(who, {
      action: "webhook-deleted",
      targetType: "webhook",
      targetId: String(hook.id),
      experimentId: hook.experimentId,
      summary: `webhook ${redactedUrl(hook.url)} removed`,
    });
    return { ok: true, message: "Webhook removed." };
  } catch (err) {
    return problem(err, "the webhook could not be removed");
  }
}
