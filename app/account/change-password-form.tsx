"use client";

import { useState } from "react";
import { authClient } from "@/lib/auth/auth-client";
import { onFormData } from "@/app/components/form-submit";

export function ChangePasswordForm() {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(form: FormData) {
    setBusy(true);
    const { error } = await authClient.changePassword({
      currentPassword: String(form.get("current") ?? ""),
      newPassword: String(form.get("next") ?? ""),
      revokeOtherSessions: true,
    });
    setBusy(false);
    setMessage(error ? { ok: false, text: error.message ?? "The password could not be changed." } : { ok: true, text: "Password changed." });
  }

  return (
    <form onSubmit={onFormData(submit)} className="stack">
      <label className="field">
        <span>Current password</span>
        <input name="current" type="password" autoComplete="current-password" required />
      </label>
      <label className="field">
        <span>New password (at least 10 characters)</span>
        <input name="next" type="password" autoComplete="new-password" minLength={10} required />
      </label>
      <button className="primary" type="submit" disabled={busy}>
        Change password
      </button>
      {message ? (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "" : "error-text"}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
