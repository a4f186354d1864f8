import { problemText, type MetricCatalog } from "@/lib/metrics/catalog";
import type { MetricDefinition } from "@/lib/metrics/define";

/** What the experiment editor offers for one registered metric. */
export interface MetricChoiceView {
  key: string;
  name: string;
  description: string;
  /** "mean", "proportion", "ratio", "p90 of rows" … */
  statistic: string;
}

function kindLabel(m: MetricDefinition): string {
  if (m.kind === "ratio") return "ratio";
  if (m.statistic !== "quantile") return m.statistic;
  const level = `p${Math.round((m.quantile ?? 0.5) * 1000) / 10}`;
  return m.level === "event" ? `${level} of rows` : `${level} of users`;
}

export function metricChoices(catalog: MetricCatalog): MetricChoiceView[] {
  return [...catalog.metrics.values()]
    .map((m) => ({ key: m.key, name: m.name, description: m.description ?? "", statistic: kindLabel(m) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One line per refused metric file, naming the file and the field (no absolute paths). */
export function refusedMetricFiles(catalog: MetricCatalog): string[] {
  return catalog.problems.map(problemText);
}
