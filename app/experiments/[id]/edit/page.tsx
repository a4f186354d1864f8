import { routeParam } from "@/app/route-param";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getExperiment } from "@/lib/analysis/experiments";
import { formValuesFrom } from "@/lib/ui/experiment-form";
import { loadCatalog } from "@/lib/metrics/registry";
import { metricChoices, refusedMetricFiles } from "@/lib/ui/metric-choices";
import { ExperimentEditor } from "../../experiment-editor";
import { currentPhase } from "@/lib/analysis/phases";
import { assignmentFromPhase } from "@/lib/ui/assignment-form";
import { mayRead, requirePageRole } from "@/lib/auth/page-access";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props) {
  const { id } = await params;
  const exp = (await mayRead()) ? await getExperiment(routeParam(id)) : null;
  return { title: exp ? `Edit ${exp.name} · Experiment results` : "Not found" };
}

export default async function EditExperimentPage({ params }: Props) {
  const { id } = await params;
  await requirePageRole("editor", `/experiments/${id}/edit`);
  const exp = await getExperiment(routeParam(id));
  if (!exp) notFound();
  const catalog = await loadCatalog();
  return (
    <article>
      <p className="muted breadcrumb">
        <Link href="/experiments">Experiments</Link> / <Link href={`/experiments/${encodeURIComponent(exp.id)}`}>{exp.name}</Link> / edit
      </p>
      <h1>Edit {exp.name}</h1>
      <p className="muted">Saving changes the definition; existing snapshots stay as they were. Analyse again to see the new setup.</p>
      <ExperimentEditor
        mode="edit"
        initial={formValuesFrom(exp)}
        metrics={metricChoices(catalog)}
        refused={refusedMetricFiles(catalog)}
        initialAssignment={assignmentFromPhase(currentPhase(exp), exp.refreshHours)}
        served={exp.status !== "draft"}
      />
    </article>
  );
}
