import { formatInteger, formatLift, formatMean, formatPLabel, plainNumbers } from "@/lib/format";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import { decide } from "./decision";
import { allRows, valueLabel } from "./results-view";

/** A plain-text summary of a results document, for the terminal: the decision first, then the numbers. */
export function formatResultsTable(doc: ResultsDocument): string {
  const lines: string[] = [`${doc.experiment.name} (${doc.experiment.id})`];
  const decision = decide(doc);
  lines.push(`  decision: ${decision.title}`);
  for (const r of decision.reasons.filter((x) => x.drives)) lines.push(`    - ${plainNumbers(r.text)}`);
  if (!doc.snapshot) {
    if (doc.lastFailure) lines.push(`  last attempt failed: ${doc.lastFailure.error}`);
    return lines.join("\n");
  }
  lines.push(
    `  users: ${doc.users.map((u) => `${u.name} ${formatInteger(u.users)}`).join(", ")}; excluded (several variants): ${formatInteger(doc.excludedUsers)}`,
  );
  if (doc.srm?.mismatch) lines.push(`  ⚠ sample ratio mismatch: ${formatPLabel(doc.srm.pValue)}`);
  // the page's rows: the same intervals and verdicts
  const rows = allRows(doc);
  for (const m of doc.metrics) {
    const control = m.variants.find((v) => v.id === doc.experiment.controlVariant);
    lines.push(`  ${m.name} [${m.role}] control ${valueLabel(m)} ${formatMean(control?.mean, m.statistic, m.unit, m.currency)}`);
    for (const r of rows.filter((x) => x.metricKey === m.key)) {
      const kind = { statistic: r.statistic, unit: r.unit, currency: r.currency };
      const p = doc.view.correction === "none" ? r.pValue : r.adjustedPValue;
      lines.push(
        `    ${r.variantName.padEnd(22)} ${formatMean(r.variantMean, r.statistic, r.unit, r.currency).padStart(10)}  lift ${formatLift(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh, true).padEnd(28)} ${formatLift(r.absolute.estimate, r.absolute.ciLow, r.absolute.ciHigh, false, kind).padEnd(30)} ${formatPLabel(p).padEnd(12)} ${r.verdict}`,
      );
    }
  }
  return lines.join("\n");
}
