"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth/auth-client";
import { onFormData } from "@/app/components/form-submit";

export function SignInForm({ next, oidcName }: { next: string; oidcName: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(form: FormData) {
    setBusy(true);
    setError(null);
    const { error } = await authClient.signIn.email({ email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") });
    setBusy(false);
    if (error) {
      setError(error.status === 429 ? "Too many attempts: wait a minute and try again." : "The email or password is not right.");
      return;
    }
    router.replace(next);
    router.refresh();
  }

  async function single() {
    setBusy(true);
    const { error } = await authClient.signIn.social({ provider: "oidc", callbackURL: next });
    if (error) {
      setBusy(false);
      setError(`Sign-in with ${oidcName} could not start: ${error.message ?? error.statusText}`);
    }
  }

  return (
    <>
      <form onSubmit={onFormData(submit)} className="stack" aria-describedby={error ? "sign-in-error" : undefined}>
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button className="primary" type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {error ? (
          <p role="alert" id="sign-in-error" className="error-text">
            {error}
          </p>
        ) : null}
      </form>
      {oidcName ? (
        <p>
          <button type="button" onClick={single} disabled={busy}>
            Sign in with {oidcName}
          </button>
        </p>
      ) : null}
    </>
  );
}
