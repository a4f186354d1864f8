import { listExperiments, latestAny, latestSucceeded } from "./store";
import { buildResultsDocument, metricDescriber } from "./results-document";

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

/** One line per experiment for the list page, from each one's latest successful snapshot (the same derivation as the page). */
export async function listOverview(): Promise<ExperimentOverview[]> {
  const [experiments, describe] = await Promise.all([listExperiments(), metricDescriber()]);
  return Promise.all(
    experiments.map(async (exp) => {
      const [good, newest] = await Promise.all([latestSucceeded(exp.id), latestAny(exp.id)]);
      const doc = buildResultsDocument(exp, good, newest, undefined, "all", describe);
      const primary = exp.metrics.find((m) => m.role === "primary") ?? exp.metrics[0];
      const metric = doc.metrics.find((m) => m.key === primary?.metricKey) ?? doc.metrics[0];
      const control = doc.experiment.controlVariant;
      const treatment = metric?.variants.find((v) => v.id !== control);
      return {
        id: exp.id,
        name: exp.name,
        status: exp.status,
        startDate: exp.startDate,
        endDate: exp.endDate,
        variants: exp.variants.map((v) => v.name),
        users: good ? doc.users.reduce((a, u) => a + u.users, 0) : null,
        lastAnalysedAt: good?.finishedAt?.toISOString() ?? null,
        lastStatus: newest?.status ?? null,
        headline:
          metric && treatment
            ? {
                metric: metric.name,
                variant: treatment.name,
                relative: treatment.relative?.estimate ?? null,
                ciLow: treatment.relative?.ciLow ?? null,
                ciHigh: treatment.relative?.ciHigh ?? null,
                pValue: treatment.pValue ?? null,
              }
            : null,
        srmMismatch: doc.srm?.mismatch === true,
      };
    }),
  );
}
