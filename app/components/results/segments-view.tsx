"use client";

import { useId, useState } from "react";
import { absoluteLiftText, formatInteger, formatPercent, formatPValue, relativeLiftText } from "@/lib/format";
import type { SegmentTable } from "@/lib/analysis/segment-results";
import { barScales, type ColumnLabels } from "@/lib/ui/results-view";
import { CORRECTION_NAMES, segmentRows, type SegmentContext } from "@/lib/ui/segment-view";
import type { DecisionStatus } from "@/lib/ui/decision";
import { IntervalBar } from "./interval-bar";
import { VerdictBadge } from "./results-table";

/**
 * Segments side by side: for the chosen metric, every value of every dimension as a row (users,
 * lift, interval, p-value adjusted across the dimension's values). No round trip: every table is
 * in the snapshot's derived results.
 */
export function SegmentsView({
  context,
  tables,
  labels,
  status,
  display,
}: {
  context: SegmentContext;
  tables: SegmentTable[];
  labels: ColumnLabels;
  status: DecisionStatus;
  display: "relative" | "absolute";
}) {
  const uid = useId();
  const metrics = context.metrics.filter((m) => tables.some((t) => t.metricKey === m.key));
  const [metricKey, setMetricKey] = useState(metrics.find((m) => m.role === "primary")?.key ?? metrics[0]?.key ?? "");
  if (tables.length === 0) return <p className="muted">This analysis has no segment dimensions (choose some in the experiment&apos;s settings).</p>;
  const meta = context.metrics.find((m) => m.key === metricKey);
  const kind = { statistic: meta?.statistic ?? "mean", unit: meta?.unit, currency: meta?.currency };
  const multi = context.experiment.variants.length > 2;
  const bayesian = labels.mode === "bayesian";
  return (
    <div className="segments" data-testid="segments">
      <label className="field" htmlFor={`${uid}-metric`}>
        <span>Metric</span>
        <select id={`${uid}-metric`} value={metricKey} onChange={(e) => setMetricKey(e.target.value)}>
          {metrics.map((m) => (
            <option key={m.key} value={m.key}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      {tables
        .filter((t) => t.metricKey === metricKey)
        .map((t) => {
          const rows = segmentRows(context, t);
          const scale = barScales(rows, display);
          return (
            <section key={t.dimension} className="segment-dimension" data-testid={`segment-${t.dimension}`}>
              <h3>
                {t.label} <span className="muted small">({t.values.length} values)</span>
              </h3>
              <div className="table-scroll" role="region" aria-label={`${meta?.name ?? metricKey} by ${t.label}`} tabIndex={0}>
                <table className="segment-table stack-cards">
                  <colgroup>
                    <col className="c-segment" />
                    {multi ? <col className="c-variant" /> : null}
                    <col className="c-users" />
                    <col className="c-lift" />
                    <col className="c-bar" />
                    <col className="c-p" />
                    <col className="c-verdict" />
                  </colgroup>
                  <thead>
                    <tr>
                      <th scope="col" className="sticky">
                        {t.label}
                      </th>
                      {multi ? <th scope="col">Variant</th> : null}
                      <th scope="col" className="num">
                        Users
                      </th>
                      <th scope="col" className="num lift-head">
                        {display === "relative" ? "Relative lift" : "Absolute lift"}
                        <span className="sub">{labels.interval.replace(/, .*-adjusted$/, "")}</span>
                      </th>
                      <th scope="col">
                        <span className="sr-only">Interval</span>
                      </th>
                      <th scope="col" className="num">
                        {bayesian ? "Chance to win" : `p (${CORRECTION_NAMES[t.correction]} across ${t.values.length})`}
                      </th>
                      <th scope="col">Verdict</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => {
                      const tone = status === "unreliable" ? "unreliable" : r.verdict === "lose" && meta?.role === "guardrail" ? "guardrail-fail" : r.verdict;
                      const lead =
                        display === "relative"
                          ? relativeLiftText(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh)
                          : absoluteLiftText(r.absolute.estimate, r.absolute.ciLow, r.absolute.ciHigh, kind);
                      const shown = display === "relative" ? r.relative : r.absolute;
                      return (
                        <tr key={`${r.sliceId}-${r.variantKey}`} className={`tone-${tone}`} data-verdict={r.verdict} data-slice={r.sliceId}>
                          <th scope="row" className="sticky metric-cell">
                            {r.value}
                          </th>
                          {multi ? <td className="variant-cell">{r.variantName}</td> : null}
                          <td className="num users" data-label="Users">
                            {formatInteger(r.variantUsers + r.controlUsers)}
                          </td>
                          <td className="num lift">
                            <span className="estimate">{lead.estimate}</span> <span className="ci">[{lead.low}, {lead.high}]</span>
                          </td>
                          <td className="bar-cell">
                            <IntervalBar lift={shown} scale={scale(r)} tone={tone} label={`${lead.estimate} [${lead.low}, ${lead.high}]`} />
                          </td>
                          <td className="num pvalue" data-label={bayesian ? "Chance to win" : `p (${CORRECTION_NAMES[t.correction]})`}>
                            {bayesian ? formatPercent(r.chanceToWin, 1) : formatPValue(r.adjustedPValue)}
                          </td>
                          <td className="verdict-cell">
                            <VerdictBadge tone={tone} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </section>
          );
        })}
    </div>
  );
}
