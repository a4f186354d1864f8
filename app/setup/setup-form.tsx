"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth/auth-client";
import { completeSetupAction } from "./actions";
import { onFormData } from "@/app/components/form-submit";

export function SetupForm() {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(form: FormData) {
    const values = {
      token: String(form.get("token") ?? ""),
      email: String(form.get("email") ?? ""),
      name: String(form.get("name") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    setBusy(true);
    setMessage(null);
    const state = await completeSetupAction(values);
    if (!state.ok) {
      setBusy(false);
      setMessage(state.message);
      return;
    }
    await authClient.signIn.email({ email: values.email, password: values.password });
    router.replace("/admin");
    router.refresh();
  }

  return (
    <form onSubmit={onFormData(submit)} className="stack">
      <label className="field">
        <span>Setup token (from the server log)</span>
        <input name="token" required autoComplete="off" spellCheck={false} />
      </label>
      <label className="field">
        <span>Email</span>
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <label className="field">
        <span>Name</span>
        <input name="name" autoComplete="name" />
      </label>
      <label className="field">
        <span>Password (at least 10 characters)</span>
        <input name="password" type="password" autoComplete="new-password" minLength={10} required />
      </label>
      <button className="primary" type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create admin and sign in"}
      </button>
      {message ? (
        <p role="alert" className="error-text">
          {message}
        </p>
      ) : null}
    </form>
  );
}
