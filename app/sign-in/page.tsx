import { redirect } from "next/navigation";
import { currentPrincipal } from "@/lib/auth/authorize";
import { setupOpen } from "@/lib/auth/setup";
import { config } from "@/lib/config";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Experiment results" };

/** Only same-site paths: a `next` pointing elsewhere would make the form an open redirect. */
function safeNext(raw: string | string[] | undefined): string {
  const next = typeof raw === "string" ? raw : "";
  return /^\/(?![/\\])/.test(next) ? next : "/experiments";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNext(sp.next);
  if ((await currentPrincipal()).kind === "user") redirect(next);
  if (await setupOpen()) redirect("/setup");
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <SignInForm next={next} oidcName={config().oidc?.name ?? null} />
    </section>
  );
}
