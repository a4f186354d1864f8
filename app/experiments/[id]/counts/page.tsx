import Link from "next/link";
import { notFound } from "next/navigation";
import { routeParam } from "@/app/route-param";
import { requirePageRole } from "@/lib/auth/page-access";
import { getExperiment } from "@/lib/analysis/store";
import { latestCounts } from "@/lib/counts/store";
import { countsFormFrom, emptyCountsForm } from "@/lib/ui/counts-form";
import { CountsEditor } from "../../counts-editor";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function EditCountsPage({ params }: Props) {
  const { id } = await params;
  await requirePageRole("editor", `/experiments/${id}/counts`);
  const exp = await getExperiment(routeParam(id));
  if (!exp) notFound();
  const base = `/experiments/${encodeURIComponent(exp.id)}`;
  const saved = exp.dataSource === "counts" ? await latestCounts(exp.id) : null;
  return (
    <article>
      <p className="muted breadcrumb">
        <Link href="/experiments">Experiments</Link> / <Link href={base}>{exp.name}</Link> / counts
      </p>
      <h1>Counts of {exp.name}</h1>
      {exp.dataSource !== "counts" ? (
        <p className="banner" role="status">
          This experiment is analysed from the warehouse. Counts go into an experiment of their own: <Link href="/experiments/new/counts">new experiment from counts</Link>.
        </p>
      ) : (
        <>
          <p className="muted">Saving replaces the counts shown on the page with these (earlier ones stay in the history).</p>
          <CountsEditor mode="edit" initial={saved ? countsFormFrom(exp.id, { ...saved, name: saved.name ?? exp.name }) : { ...emptyCountsForm(), id: exp.id, name: exp.name }} />
        </>
      )}
    </article>
  );
}
