import { requirePageRole } from "@/lib/auth/page-access";
import { ROLE_DESCRIPTIONS } from "@/lib/auth/roles";
import { redirect } from "next/navigation";
import { ChangePasswordForm } from "./change-password-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Your account · Experiment results" };

export default async function AccountPage() {
  const who = await requirePageRole("viewer", "/account");
  if (who.kind !== "user") redirect(`/sign-in?next=${encodeURIComponent("/account")}`);
  return (
    <section className="narrow">
      <h1>Your account</h1>
      <p>
        {who.email} · <span className="badge">{who.role}</span> <span className="muted small">({ROLE_DESCRIPTIONS[who.role]})</span>
      </p>
      <h2>Change your password</h2>
      <p className="muted small">Replace a one-time password you were given with your own. Your other sessions end.</p>
      <ChangePasswordForm />
    </section>
  );
}
