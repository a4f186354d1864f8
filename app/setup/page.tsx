import { redirect } from "next/navigation";
import { setupOpen } from "@/lib/auth/setup";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up · Experiment results" };

/** First-admin setup: only while there are no users, and only with the token from the server log. */
export default async function SetupPage() {
  if (!(await setupOpen())) redirect("/sign-in");
  return (
    <section className="narrow">
      <h1>Create the first admin</h1>
      <p>
        There are no users yet. The server printed a one-time <strong>setup token</strong> in its log when it started; enter it
        here with the admin&apos;s email and password.
      </p>
      <SetupForm />
    </section>
  );
}
