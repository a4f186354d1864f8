import Link from "next/link";
import { notFound } from "next/navigation";
import { routeParam } from "@/app/route-param";
import { requirePageRole } from "@/lib/auth/page-access";
import { currentPhase } from "@/lib/analysis/phases";
import { getExperiment } from "@/lib/analysis/store";
import { BalancePanel } from "../../balance-panel";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function BalancePage({ params }: Props) {
  const { id } = await params;
  await requirePageRole("editor", `/experiments/${id}/balance`);
  const exp = await getExperiment(routeParam(id));
  if (!exp) notFound();
  const phase = currentPhase(exp);
  const base = `/experiments/${encodeURIComponent(exp.id)}`;
  return (
    <article>
      <p className="muted breadcrumb">
        <Link href="/experiments">Experiments</Link> / <Link href={base}>{exp.name}</Link> / balanced assignment
      </p>
      <h1>Balanced assignment for {exp.name}</h1>
      <p className="muted">
        When the experiment is for a small, known group (accounts, stores, classes), chance alone can leave the variants unlike each other. Give
        the group with the traits that matter; the seeds are tried with the SDK&apos;s own hashing and the split whose largest standardised mean
        difference is smallest is kept. The same group always gives the same seed. Saved, it is served like any other seed
        {exp.status === "draft" ? "" : " (a running experiment starts a new phase)"}.
      </p>
      <p className="small">
        Current phase {phase.number}: seed <code>{phase.seed ?? exp.exposureKey ?? exp.id}</code>, hashing <code>{phase.hashAttribute}</code>.
      </p>
      <BalancePanel experimentId={exp.id} variants={exp.variants.map((v) => ({ key: v.key, name: v.name }))} hashAttribute={phase.hashAttribute} />
    </article>
  );
}
