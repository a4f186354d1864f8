import Link from "next/link";
import { emptyFormValues } from "@/lib/analysis/experiment-form";
import { allMetrics } from "@/lib/metrics/registry";
import { ExperimentEditor, type MetricChoice } from "../experiment-editor";
import { requirePageRole } from "@/lib/auth/page-access";

export const dynamic = "force-dynamic";
export const metadata = { title: "New experiment · Experiment results" };

function metricChoices(): MetricChoice[] {
  return allMetrics().map((m) => ({ key: m.key, name: m.name, description: m.description, statistic: m.statistic }));
}

export default async function NewExperimentPage() {
  await requirePageRole("editor", "/experiments/new");
  return (
    <article>
      <p className="muted breadcrumb">
        <Link href="/experiments">Experiments</Link> / new
      </p>
      <h1>New experiment</h1>
      <ExperimentEditor mode="create" initial={emptyFormValues(new Date().toISOString().slice(0, 10))} metrics={metricChoices()} />
    </article>
  );
}
