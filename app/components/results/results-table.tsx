import { absoluteLiftText, formatInteger, formatPercent, formatPValue, formatValue, relativeLiftText, type LiftText } from "@/lib/format";
import type { DecisionStatus } from "@/lib/ui/decision";
import { liftOf, shownPValue, type BarScale, type ColumnLabels, type ResultRow } from "@/lib/ui/results-view";
import { IntervalBar, type Tone } from "./interval-bar";

export function toneOf(row: Pick<ResultRow, "verdict" | "role">, status: DecisionStatus): Tone {
  if (status === "unreliable") return "unreliable";
  if (row.verdict === "lose") return row.role === "guardrail" ? "guardrail-fail" : "lose";
  return row.verdict;
}

const VERDICT_TEXT: Record<Tone, string> = {
  win: "Win",
  lose: "Loss",
  "guardrail-fail": "Guardrail failing",
  inconclusive: "Inconclusive",
  unreliable: "Unreliable data",
};

export function VerdictBadge({ tone }: { tone: Tone }) {
  const mark = tone === "win" ? "▲ " : tone === "lose" ? "▼ " : tone === "guardrail-fail" ? "⚠ " : "";
  return (
    <span className={`verdict ${tone}`}>
      {mark ? <span aria-hidden="true">{mark}</span> : null}
      {VERDICT_TEXT[tone]}
    </span>
  );
}

function Lift({ text, className }: { text: LiftText; className: string }) {
  return (
    <div className={className}>
      <span className="estimate">{text.estimate}</span> <span className="ci">[{text.low}, {text.high}]</span>
    </div>
  );
}

export interface ResultsTableProps {
  rows: ResultRow[];
  labels: ColumnLabels;
  display: "relative" | "absolute";
  scale: (row: ResultRow) => BarScale;
  status: DecisionStatus;
  correction: string;
  /** the table's accessible name, e.g. "Primary metrics" */
  caption: string;
  testId?: string;
}

/**
 * One role's metrics as one table: a row per metric × treatment, the same columns (and widths)
 * for every role, an interval bar on the shared scale, columns that belong to the view's mode.
 * The metric column stays in view while a narrow screen scrolls the table inside its box.
 */
export function ResultsTable({ rows, labels, display, scale, status, correction, caption, testId }: ResultsTableProps) {
  const bayesian = labels.mode === "bayesian";
  const leadName = display === "relative" ? "Relative lift" : "Absolute lift";
  return (
    <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className={`results-table stack-cards ${bayesian ? "bayesian" : "frequentist"}`} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <colgroup>
          <col className="c-metric" />
          <col className="c-variant" />
          <col className="c-value" />
          <col className="c-value" />
          <col className="c-lift" />
          <col className="c-bar" />
          {bayesian ? (
            <>
              <col className="c-num" />
              <col className="c-num" />
            </>
          ) : (
            <col className="c-p" />
          )}
          <col className="c-verdict" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col" className="sticky">
              Metric
            </th>
            <th scope="col">Variant</th>
            <th scope="col" className="num">
              Control
            </th>
            <th scope="col" className="num">
              Variant
            </th>
            <th scope="col" className="num lift-head">
              {leadName}
              <span className="sub">{labels.interval}</span>
            </th>
            <th scope="col">
              <span className="sr-only">Interval on a shared scale</span>
            </th>
            {bayesian ? (
              <>
                <th scope="col" className="num">
                  {labels.chanceToWin}
                </th>
                <th scope="col" className="num" title="Expected loss of shipping the variant, in relative lift">
                  {labels.risk}
                </th>
              </>
            ) : (
              <th scope="col" className="num pvalue-head" aria-label={labels.pValue ?? undefined}>
                p-value
                {labels.pValueSub ? <span className="sub">{labels.pValueSub}</span> : null}
              </th>
            )}
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const tone = toneOf(r, status);
            const kind = { statistic: r.statistic, unit: r.unit, currency: r.currency };
            const rel = relativeLiftText(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh);
            const abs = absoluteLiftText(r.absolute.estimate, r.absolute.ciLow, r.absolute.ciHigh, kind);
            const [lead, other] = display === "relative" ? [rel, abs] : [abs, rel];
            const shown = liftOf(r, display);
            return (
              <tr
                key={`${r.metricKey}-${r.variantKey}`}
                className={`tone-${tone} role-${r.role}`}
                data-testid={`row-${r.metricKey}-${r.variantKey}`}
                data-metric={r.metricKey}
                data-variant={r.variantKey}
                data-verdict={r.verdict}
                data-tone={tone}
              >
                <th scope="row" className="sticky metric-cell">
                  <span className="metric-name">{r.metricName}</span>
                  <span className="muted small">
                    {r.valueLabel}
                    {r.higherIsBetter ? "" : " · lower is better"}
                  </span>
                </th>
                <td className="variant-cell">
                  {r.variantName}
                  <span className="muted small" title={`${formatInteger(r.variantN)} users in ${r.variantName}, ${formatInteger(r.controlN)} in ${r.controlName}`}>
                    n {formatInteger(r.variantN)} / {formatInteger(r.controlN)}
                  </span>
                </td>
                <td className="num value-control" data-label={`Control ${r.valueLabel}`}>
                  {formatValue(r.controlMean, kind)}
                </td>
                <td className="num value-variant" data-label={`${r.variantName} ${r.valueLabel}`}>
                  {formatValue(r.variantMean, kind)}
                </td>
                <td className="num lift" data-label={`${leadName} · ${labels.interval}`}>
                  <Lift text={lead} className={display === "relative" ? "lift-rel" : "lift-abs"} />
                  <Lift text={other} className={`secondary ${display === "relative" ? "lift-abs" : "lift-rel"}`} />
                </td>
                <td className="bar-cell">
                  <IntervalBar lift={shown} scale={scale(r)} tone={tone} label={`${leadName} ${lead.estimate} [${lead.low}, ${lead.high}]`} />
                </td>
                {bayesian ? (
                  <>
                    <td className="num ctw" data-label={labels.chanceToWin ?? ""}>
                      {formatPercent(r.chanceToWin, 1)}
                    </td>
                    <td className="num risk" data-label={labels.risk ?? ""}>
                      {formatPercent(r.risk, 2)}
                    </td>
                  </>
                ) : (
                  <td className="num pvalue" data-label={labels.pValue ?? ""}>
                    {formatPValue(shownPValue(r, correction))}
                  </td>
                )}
                <td className="verdict-cell">
                  <VerdictBadge tone={tone} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
