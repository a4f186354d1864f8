import { findMetric } from "@/lib/metrics/registry";
import { listExperiments } from "./experiments";
import { latestAny, latestSucceeded, parseResults, parseSufficientStats } from "./snapshots";

export interface ExperimentOverview {
  id: string;
  name: string;
  status: string;
  startDate: string;
  endDate: string | null;
  variants: string[];
  users: number | null;
  lastAnalysedAt: string | null;
  lastStatus: string | null;
  headline: {
    metric: string;
    variant: string;
    relative: number | null;
    ciLow: number | null;
    ciHigh: number | null;
    pValue: number | null;
  } | null;
  srmMismatch: boolean;
}

/** One line per experiment for the list page, from each one's latest successful snapshot. */
export async function listOverview(): Promise<ExperimentOverview[]> {
  const experiments = await listExperiments();
  return Promise.all(
    experiments.map(async (exp) => {
      const [good, newest] = await Promise.all([latestSucceeded(exp.id), latestAny(exp.id)]);
      const results = good ? parseResults(good) : null;
      const stats = good ? parseSufficientStats(good) : null;
      const primary = exp.metrics.find((m) => m.role === "primary") ?? exp.metrics[0];
      const metric = results?.metrics.find((m) => m.key === primary?.metricKey);
      const treatment = metric?.variants.find((v) => v.id !== exp.controlVariant);
      return {
        id: exp.id,
        name: exp.name,
        status: exp.status,
        startDate: exp.startDate,
        endDate: exp.endDate,
        variants: exp.variants.map((v) => v.name),
        users: stats ? Object.values(stats.slices[0]?.users ?? {}).reduce((a, n) => a + n, 0) : null,
        lastAnalysedAt: good?.finishedAt?.toISOString() ?? null,
        lastStatus: newest?.status ?? null,
        headline:
          metric && treatment
            ? {
                metric: findMetric(metric.key)?.name ?? metric.key,
                variant: exp.variants.find((v) => v.key === treatment.id)?.name ?? treatment.id,
                relative: treatment.relative?.estimate ?? null,
                ciLow: treatment.relative?.ciLow ?? null,
                ciHigh: treatment.relative?.ciHigh ?? null,
                pValue: treatment.pValue ?? null,
              }
            : null,
        srmMismatch: results?.srm.mismatch === true,
      };
    }),
  );
}
