import type { ExperimentWithParts } from "@/lib/analysis/experiments";
import { buildResultsDocument } from "@/lib/analysis/results-document";
import type { SnapshotRow } from "@/lib/analysis/store";
import { formatLift, formatPLabel } from "@/lib/format";
import { allRows, type ResultRow } from "@/lib/ui/results-view";

// What an analysis found that people should hear about, from its stored results with the page's
// own functions (the default view): a sample-ratio mismatch, a guardrail that got worse, and a
// primary metric reaching a verdict (win or lose) it did not have in the previous successful
// analysis. The one place that decides notifications: swap the verdict logic here when the
// experiment status function replaces it.

export type TriggerKind = "srm" | "guardrail" | "verdict";

export interface Trigger {
  kind: TriggerKind;
  /** one line of Slack mrkdwn-safe text */
  text: string;
}

const lift = (r: ResultRow) => formatLift(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh, true);

export function analysisTriggers(exp: ExperimentWithParts, current: SnapshotRow, previous: SnapshotRow | null): Trigger[] {
  if (current.status !== "succeeded") return [];
  const doc = buildResultsDocument(exp, current, current);
  const rows = allRows(doc);
  const found: Trigger[] = [];
  if (doc.srm?.mismatch) {
    const users = doc.users.map((u) => `${u.name} ${u.users.toLocaleString("en")}`).join(", ");
    found.push({ kind: "srm", text: `Sample ratio mismatch (${formatPLabel(doc.srm.pValue)}): ${users}. Check the assignment before trusting the results.` });
  }
  const failing = rows.filter((r) => r.role === "guardrail" && r.verdict === "lose");
  if (failing.length > 0) {
    found.push({ kind: "guardrail", text: `Guardrail failing: ${failing.map((r) => `${r.metricName} with ${r.variantName} (${lift(r)})`).join("; ")}.` });
  }
  const before = previous ? new Map(allRows(buildResultsDocument(exp, previous, previous)).map((r) => [`${r.metricKey}/${r.variantKey}`, r.verdict])) : new Map();
  const reached = rows.filter((r) => r.role === "primary" && r.verdict !== "inconclusive" && before.get(`${r.metricKey}/${r.variantKey}`) !== r.verdict);
  for (const r of reached) {
    found.push({ kind: "verdict", text: `${r.metricName}: ${r.variantName} ${r.verdict === "win" ? "wins" : "loses"} against ${r.controlName} (${lift(r)}).` });
  }
  return found;
}
