import { formatInteger, formatLift, formatMean, formatPercent, formatPValue } from "@/lib/format";
import { pValueHeader, shownPValue, type ResultRow, type Verdict } from "@/lib/ui/results-view";

export function VerdictBadge({ verdict, guardrail }: { verdict: Verdict; guardrail: boolean }) {
  if (verdict === "lose" && guardrail) {
    return (
      <span className="verdict lose loud">
        <span aria-hidden="true">⚠ </span>Guardrail failing
      </span>
    );
  }
  if (verdict === "win")
    return (
      <span className="verdict win">
        <span aria-hidden="true">▲ </span>Win
      </span>
    );
  if (verdict === "lose")
    return (
      <span className="verdict lose">
        <span aria-hidden="true">▼ </span>Lose
      </span>
    );
  return <span className="verdict inconclusive">Inconclusive</span>;
}

export function MetricTable({
  rows,
  level,
  correction,
  display,
  mode,
}: {
  /** the metric's visible rows (one per treatment variant) */
  rows: ResultRow[];
  level: string;
  correction: string;
  display: "relative" | "absolute";
  mode: "frequentist" | "bayesian";
}) {
  const first = rows[0];
  if (!first) return null;
  const rel = (r: ResultRow) => formatLift(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh, true);
  const abs = (r: ResultRow) => formatLift(r.absolute.estimate, r.absolute.ciLow, r.absolute.ciHigh, false);
  const lifts =
    display === "relative"
      ? [
          { head: `Relative lift [${level}% CI]`, cell: rel, cls: "lift lift-rel" },
          { head: `Absolute lift [${level}% CI]`, cell: abs, cls: "lift-abs" },
        ]
      : [
          { head: `Absolute lift [${level}% CI]`, cell: abs, cls: "lift lift-abs" },
          { head: `Relative lift [${level}% CI]`, cell: rel, cls: "lift-rel" },
        ];
  const guardrail = first.role === "guardrail";
  return (
    <div className="metric-block">
      <h3 id={`metric-${first.metricKey}-title`}>
        {first.metricName} <span className="muted">({first.metricKey})</span>
        {guardrail ? <span className="badge role">guardrail</span> : null}
      </h3>
      {first.description ? <p className="muted metric-description">{first.description}{first.higherIsBetter ? "" : " Lower is better."}</p> : null}
      <div className="table-wrap">
        <table data-testid={`metric-${first.metricKey}`} aria-labelledby={`metric-${first.metricKey}-title`}>
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col" className="num">
                Control {first.valueLabel}
              </th>
              <th scope="col" className="num">
                Variant {first.valueLabel}
              </th>
              {lifts.map((l) => (
                <th scope="col" key={l.head} className="num">
                  {l.head}
                </th>
              ))}
              {mode === "frequentist" ? (
                <th scope="col" className="num pvalue-head">
                  {pValueHeader(correction)}
                </th>
              ) : null}
              <th scope="col" className="num">
                Chance to win
              </th>
              {mode === "bayesian" ? (
                <th scope="col" className="num" title="Expected loss of shipping the variant, in relative lift">
                  Risk
                </th>
              ) : null}
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.variantKey} className={`${r.verdict} ${r.role}`} data-verdict={r.verdict} data-variant={r.variantKey}>
                <th scope="row">
                  {r.variantName}
                  <div className="muted small" title={`${formatInteger(r.variantN)} users in ${r.variantName}, ${formatInteger(r.controlN)} in ${r.controlName}`}>
                    n {formatInteger(r.variantN)} / {formatInteger(r.controlN)}
                  </div>
                </th>
                <td className="num">{formatMean(r.controlMean, r.statistic, r.unit)}</td>
                <td className="num">{formatMean(r.variantMean, r.statistic, r.unit)}</td>
                {lifts.map((l) => (
                  <td key={l.head} className={`num ${l.cls}`}>
                    {l.cell(r)}
                  </td>
                ))}
                {mode === "frequentist" ? <td className="num pvalue">{formatPValue(shownPValue(r, correction))}</td> : null}
                <td className="num ctw">{formatPercent(r.chanceToWin, 1)}</td>
                {mode === "bayesian" ? <td className="num risk">{formatPercent(r.risk, 2)}</td> : null}
                <td>
                  <VerdictBadge verdict={r.verdict} guardrail={r.role === "guardrail"} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
