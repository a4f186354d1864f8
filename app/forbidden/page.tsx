import Link from "next/link";
import { currentPrincipal } from "@/lib/auth/authorize";
import { isRole, ROLE_DESCRIPTIONS } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";
export const metadata = { title: "Not allowed · Experiment results" };

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const need = (await searchParams).need;
  const who = await currentPrincipal();
  return (
    <section className="narrow">
      <h1>Not allowed</h1>
      <p>
        {who.kind === "user" ? `You are signed in as ${who.email} with the ${who.role} role. ` : null}
        {isRole(need) ? `This page needs the ${need} role (an ${need} ${ROLE_DESCRIPTIONS[need]}). ` : null}
        Ask an admin to change your role.
      </p>
      <p>
        <Link href="/experiments">Back to the experiments</Link>
      </p>
    </section>
  );
}
