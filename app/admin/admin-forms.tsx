"use client";

import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { ROLES } from "@/lib/auth/roles";
import { onFormData } from "@/app/components/form-submit";
import {
  createKeyAction,
  createUserAction,
  createWebhookAction,
  deleteWebhookAction,
  removeUserAction,
  resetPasswordAction,
  revokeKeyAction,
  setRoleAction,
  type AdminResult,
} from "./actions";

/** Runs an admin action, shows its message (and a secret once), and re-renders the page. */
function useAdminAction() {
  const router = useRouter();
  const [result, setResult] = useState<AdminResult | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(action: () => Promise<AdminResult>) {
    setBusy(true);
    try {
      const r = await action();
      setResult(r);
      if (r.ok) router.refresh();
    } catch {
      setResult({ ok: false, message: "Could not reach the server. Check that it is running and try again." });
    } finally {
      setBusy(false);
    }
  }
  const shown: ReactNode = result ? (
    <div role={result.ok ? "status" : "alert"} className={result.ok ? "small" : "error-text small"} data-testid="admin-result">
      {result.message}
      {result.secret ? (
        <div className="secret" data-testid="admin-secret">
          {result.secret}
        </div>
      ) : null}
    </div>
  ) : null;
  return { run, busy, shown };
}

export function CreateUserForm() {
  const { run, busy, shown } = useAdminAction();
  return (
    <form
      className="toolbar"
      onSubmit={onFormData((f) => run(() => createUserAction({ email: String(f.get("email")), name: String(f.get("name") ?? ""), role: String(f.get("role")) })))}
    >
      <label className="field">
        <span>Email</span>
        <input name="email" type="email" required />
      </label>
      <label className="field">
        <span>Name</span>
        <input name="name" />
      </label>
      <label className="field">
        <span>Role</span>
        <select name="role" defaultValue="viewer">
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <button className="primary" type="submit" disabled={busy}>
        Create user
      </button>
      {shown}
    </form>
  );
}

export function UserActions({ userId, role, email }: { userId: string; role: string; email: string }) {
  const { run, busy, shown } = useAdminAction();
  return (
    <div className="toolbar">
      <form className="inline-form" onSubmit={onFormData((f) => run(() => setRoleAction(userId, String(f.get("role")))))}>
        <select name="role" defaultValue={role} aria-label={`Role of ${email}`}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <button type="submit" disabled={busy}>
          Change role
        </button>
      </form>
      <button type="button" disabled={busy} onClick={() => run(() => resetPasswordAction(userId))}>
        Reset password
      </button>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          if (window.confirm(`Remove ${email}? They can no longer sign in.`)) void run(() => removeUserAction(userId));
        }}
      >
        Remove
      </button>
      {shown}
    </div>
  );
}

export function CreateKeyForm() {
  const { run, busy, shown } = useAdminAction();
  const [scope, setScope] = useState("read");
  return (
    <form
      className="toolbar"
      onSubmit={onFormData((f) => run(() => createKeyAction({ name: String(f.get("name")), scope: String(f.get("scope")), origins: String(f.get("origins") ?? "") })))}
    >
      <label className="field">
        <span>Name</span>
        <input name="name" required maxLength={80} />
      </label>
      <label className="field">
        <span>Scope</span>
        <select name="scope" value={scope} onChange={(e) => setScope(e.target.value)}>
          <option value="read">read (JSON API reads)</option>
          <option value="write">write (reads, refresh, cancel)</option>
          <option value="client">client (SDK payload, collection)</option>
        </select>
      </label>
      {scope === "client" ? (
        <label className="field">
          <span>Allowed origins (space-separated)</span>
          <input name="origins" placeholder="https://shop.example.com" />
        </label>
      ) : null}
      <button className="primary" type="submit" disabled={busy}>
        Create key
      </button>
      {shown}
    </form>
  );
}

export function RevokeKeyButton({ id, name }: { id: string; name: string }) {
  const { run, busy, shown } = useAdminAction();
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          if (window.confirm(`Revoke the key “${name}”? Programs using it stop working.`)) void run(() => revokeKeyAction(id));
        }}
      >
        Revoke
      </button>
      {shown}
    </>
  );
}

export function CreateWebhookForm({ experiments }: { experiments: { id: string; name: string }[] }) {
  const { run, busy, shown } = useAdminAction();
  return (
    <form className="toolbar" onSubmit={onFormData((f) => run(() => createWebhookAction({ url: String(f.get("url")), experimentId: String(f.get("experimentId") ?? "") })))}>
      <label className="field">
        <span>URL (Slack incoming webhook or any JSON receiver)</span>
        <input name="url" type="url" required size={48} placeholder="https://hooks.slack.com/services/…" />
      </label>
      <label className="field">
        <span>For</span>
        <select name="experimentId" defaultValue="">
          <option value="">every experiment</option>
          {experiments.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name} ({e.id})
            </option>
          ))}
        </select>
      </label>
      <button className="primary" type="submit" disabled={busy}>
        Add webhook
      </button>
      {shown}
    </form>
  );
}

export function DeleteWebhookButton({ id }: { id: number }) {
  const { run, busy, shown } = useAdminAction();
  return (
    <>
      <button type="button" disabled={busy} onClick={() => run(() => deleteWebhookAction(id))}>
        Remove
      </button>
      {shown}
    </>
  );
}
