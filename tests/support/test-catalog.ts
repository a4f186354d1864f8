import path from "node:path";
import { catalogOf, type MetricCatalog } from "@/lib/metrics/catalog";
import type { Definition } from "@/lib/metrics/define";
import { loadCatalog } from "@/lib/metrics/loader";

/** The repository's metric files (which must all load) plus test-only definitions, as one catalog. */
export async function repoCatalogWith(extra: readonly Definition[] = []): Promise<MetricCatalog> {
  const repo = await loadCatalog(path.join(process.cwd(), "metrics"));
  if (repo.problems.length) throw new Error(`the repository's metric files have problems: ${repo.problems.map((p) => `${p.file}: ${p.message}`).join("; ")}`);
  return catalogOf([...[...repo.sources.values()].filter((s) => s.key !== "events"), ...repo.metrics.values(), ...extra]);
}
