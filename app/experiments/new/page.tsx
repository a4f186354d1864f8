import Link from "next/link";
import { emptyFormValues } from "@/lib/ui/experiment-form";
import { metricChoices, refusedMetricFiles } from "@/lib/ui/metric-choices";
import { loadCatalog } from "@/lib/metrics/registry";
import { ExperimentEditor } from "../experiment-editor";
import { requirePageRole } from "@/lib/auth/page-access";

export const dynamic = "force-dynamic";
export const metadata = { title: "New experiment · Experiment results" };

export default async function NewExperimentPage() {
  await requirePageRole("editor", "/experiments/new");
  const catalog = await loadCatalog();
  return (
    <article>
      <p className="muted breadcrumb">
        <Link href="/experiments">Experiments</Link> / new
      </p>
      <h1>New experiment</h1>
      <p className="muted">
        Run elsewhere, with only the totals? <Link href="/experiments/new/counts">Enter its counts instead</Link>.
      </p>
      <ExperimentEditor mode="create" initial={emptyFormValues(new Date().toISOString().slice(0, 10))} metrics={metricChoices(catalog)} refused={refusedMetricFiles(catalog)} />
    </article>
  );
}
