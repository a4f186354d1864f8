import { formatInteger, formatLift, formatMean, formatPLabel, plainNumbers } from "@/lib/format";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import { decide } from "./decision";
import { valueLabel } from "./results-view";

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
  for (const m of doc.metrics) {
    const control = m.variants.find((v) => v.id === doc.experiment.controlVariant);
    lines.push(`  ${m.name} [${m.role}] control ${valueLabel(m)} ${formatMean(control?.mean, m.statistic, m.unit, m.currency)}`);
    for (const v of m.variants) {
      if (v.id === doc.experiment.controlVariant) continue;
      const kind = { statistic: m.statistic, unit: m.unit, currency: m.currency };
      lines.push(
        `    ${v.name.padEnd(22)} ${formatMean(v.mean, m.statistic, m.unit, m.currency).padStart(10)}  lift ${formatLift(v.relative?.estimate, v.relative?.ciLow, v.relative?.ciHigh, true).padEnd(28)} ${formatLift(v.absolute?.estimate, v.absolute?.ciLow, v.absolute?.ciHigh, false, kind).padEnd(30)} ${formatPLabel(v.pValue)}`,
      );
    }
  }
  return lines.join("\n");
}
