// The experiment list: one line per experiment with its status and best arm, from each one's latest
// good snapshot by the very derivation the page uses (results document → decide()). Server-side.
import { buildResultsDocument, metricDescriber } from "@/lib/analysis/results-document";
import { latestAny, latestDecisions, latestSucceeded, listExperiments } from "@/lib/analysis/store";
import { relativeLiftText, type LiftText } from "@/lib/format";
import { bestArmText, decide, type DecisionStatus } from "./decision";

export interface ExperimentListItem {
  id: string;
  name: string;
  owner: string;
  hypothesis: string;
  /** draft | running | stopped */
  lifecycle: string;
  archived: boolean;
  startDate: string;
  endDate: string | null;
  variants: string[];
  users: number | null;
  lastAnalysedAt: string | null;
  /** status of the newest run (a failure after the last good one shows) */
  lastRunStatus: string | null;
  /** the newest run failed, and that is news: not a running experiment waiting for its first exposures */
  lastRunFailed: boolean;
  snapshotNumber: number | null;
  decision: { status: DecisionStatus; title: string; headline: string; variant: string | null; reasons: string[] };
  bestArm: {
    variantKey: string;
    variantName: string;
    metricName: string;
    /** relative lift: estimate and interval bounds, formatted */
    relative: LiftText;
    /** absolute lift with its interval, in the metric's unit */
    absolute: string;
    /** null under unreliable data: no win may be shown */
    verdict: "win" | "lose" | "inconclusive" | null;
    estimate: number | null;
  } | null;
  recorded: { decision: string; variant: string | null; actor: string; note: string; at: string } | null;
}

export async function listOverview(): Promise<ExperimentListItem[]> {
  const [experiments, describe, recorded] = await Promise.all([listExperiments(), metricDescriber(), latestDecisions()]);
  return Promise.all(
    experiments.map(async (exp): Promise<ExperimentListItem> => {
      const [good, newest] = await Promise.all([latestSucceeded(exp.id), latestAny(exp.id)]);
      const doc = buildResultsDocument(exp, good, newest, undefined, "all", describe, { detail: false });
      const d = decide(doc);
      const best = d.bestArm;
      const r = recorded.get(exp.id);
      return {
        id: exp.id,
        name: exp.name,
        owner: exp.owner,
        hypothesis: exp.hypothesis,
        lifecycle: exp.status,
        archived: exp.archivedAt !== null,
        startDate: exp.startDate,
        endDate: exp.endDate,
        variants: exp.variants.map((v) => v.name),
        users: good ? doc.users.reduce((a, u) => a + u.users, 0) : null,
        lastAnalysedAt: good?.finishedAt?.toISOString() ?? null,
        lastRunStatus: newest?.status ?? null,
        lastRunFailed: newest?.status === "failed" && d.status !== "waiting",
        snapshotNumber: good?.number ?? null,
        decision: { status: d.status, title: d.title, headline: d.headline, variant: d.variant?.key ?? null, reasons: d.reasons.filter((x) => x.drives).map((x) => x.text) },
        bestArm: best
          ? {
              variantKey: best.variantKey,
              variantName: best.variantName,
              metricName: best.metricName,
              relative: relativeLiftText(best.relative.estimate, best.relative.ciLow, best.relative.ciHigh),
              absolute: bestArmText(best).absolute,
              verdict: best.verdict,
              estimate: best.relative.estimate,
            }
          : null,
        recorded: r ? { decision: r.decision, variant: r.variant, actor: r.actor, note: r.note, at: r.createdAt.toISOString() } : null,
      };
    }),
  );
}
