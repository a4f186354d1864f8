import { formatInteger, formatPercent, formatPLabel, formatPValue, formatValue, relativeLiftText, liftLine } from "@/lib/format";
import type { Health, HealthLevel } from "@/lib/analysis/health";
import { BIAS_THRESHOLD, MULTIPLE_EXPOSURE_FAIL, MULTIPLE_EXPOSURE_WARN } from "@/lib/analysis/health";
import { DEFAULT_COVARIATE_LOOKBACK_DAYS } from "@/lib/analysis/plan";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import { seriesColor } from "@/lib/ui/palette";
import { TrafficChart } from "./traffic-chart";

const LEVEL_TEXT: Record<HealthLevel, string> = { ok: "OK", warn: "Warning", fail: "Failed", unavailable: "Not available" };

export function HealthBadge({ level }: { level: HealthLevel }) {
  return (
    <span className={`health-badge ${level}`} data-level={level}>
      {level === "ok" ? "✓ " : level === "fail" ? "✗ " : level === "warn" ? "! " : ""}
      {LEVEL_TEXT[level]}
    </span>
  );
}

function Check({ title, level, testId, children }: { title: string; level: HealthLevel; testId: string; children: React.ReactNode }) {
  return (
    <section className={`health-check ${level}`} data-testid={testId} data-level={level}>
      <header>
        <h3>{title}</h3>
        <HealthBadge level={level} />
      </header>
      {children}
    </section>
  );
}

/**
 * The experiment's health, each check with its verdict: traffic over time, sample ratio mismatch
 * (overall and per segment dimension), users in several variants, pre-exposure bias and the
 * placebo A/A. Failed checks make the decision "Unreliable data".
 */
export function HealthSection({ doc }: { doc: ResultsDocument }) {
  const h: Health | null = doc.health;
  if (!h) return <p className="muted">Health checks need a successful analysis.</p>;
  const variants = doc.experiment.variants.map((v, i) => ({ key: v.key, name: v.name, color: seriesColor(i) }));
  const nameOf = new Map(variants.map((v) => [v.key, v.name]));
  const metricOf = new Map(doc.metrics.map((m) => [m.key, m]));
  const segFailed = h.segmentSrm.some((s) => s.level === "fail");
  const srmLevel: HealthLevel = h.srm.level === "fail" || segFailed ? "fail" : h.srm.level;
  const p = h.placebo;
  // counts typed in hold totals per variant only: the checks that need each user's exposures do not apply
  const fromCounts = doc.snapshot?.warehouse === "counts";
  const countsNote = <p className="muted small">Not available for counts typed in: this check needs each user&apos;s exposures from the warehouse.</p>;
  return (
    <div className="health-grid">
      <Check title="Traffic over time" level={fromCounts ? "unavailable" : h.traffic.level} testId="health-traffic">
        {fromCounts ? (
          countsNote
        ) : h.traffic.days.length === 0 ? (
          <p className="muted">{h.traffic.note}</p>
        ) : (
          <>
            <div className="traffic-charts">
              <TrafficChart
                title="New users per day"
                testId="traffic-daily"
                series={variants}
                days={h.traffic.days.map((d) => ({ date: d.date, values: d.users }))}
              />
              <TrafficChart
                title="Cumulative users"
                testId="traffic-cumulative"
                series={variants}
                days={h.traffic.days.map((d) => ({ date: d.date, values: d.cumulative }))}
              />
            </div>
            <p className="small">
              {h.traffic.note}
              {h.traffic.recentDailyUsers !== null ? ` Recently about ${formatInteger(h.traffic.recentDailyUsers)} new users a day.` : ""}
            </p>
            {h.traffic.gaps.length > 0 ? (
              <p className="small warn-text">
                No new users for {h.traffic.gaps.map((g) => `${nameOf.get(g.variant) ?? g.variant} on ${g.date}`).join(", ")} while the others had plenty: check the exposure logging.
              </p>
            ) : null}
          </>
        )}
      </Check>

      <Check title="Sample ratio mismatch" level={srmLevel} testId="health-srm">
        <div className="table-scroll">
          <table className="compact stack-sm">
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col" className="num">
                  Planned
                </th>
                <th scope="col" className="num">
                  Observed
                </th>
                <th scope="col" className="num">
                  Users
                </th>
              </tr>
            </thead>
            <tbody>
              {h.srm.variants.map((v) => (
                <tr key={v.key}>
                  <th scope="row">{nameOf.get(v.key) ?? v.key}</th>
                  <td className="num" data-label="Planned">
                    {formatPercent(v.expectedShare, 1)}
                  </td>
                  <td className="num" data-label="Observed">
                    {formatPercent(v.observedShare, 1)}
                  </td>
                  <td className="num" data-label="Users">
                    {formatInteger(v.users)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="small">
          All users: χ² {formatPLabel(h.srm.pValue)} ({h.srm.level === "fail" ? "mismatch: p < 0.001" : "no mismatch at p < 0.001"}).
        </p>
        {h.segmentSrm.length > 0 ? (
          <ul className="small check-list" data-testid="segment-srm">
            {h.segmentSrm.map((s) => {
              const bad = s.values.filter((v) => v.mismatch);
              const worst = Math.min(...s.values.map((v) => v.pValue ?? 1));
              return (
                <li key={s.dimension} className={s.level}>
                  <HealthBadge level={s.level} /> <strong>{s.label}</strong>:{" "}
                  {bad.length
                    ? `mismatch in ${bad.map((v) => `${v.value} (p ${formatPValue(v.pValue)})`).join(", ")}`
                    : `${s.values.length} values, smallest p ${formatPValue(worst)}`}{" "}
                  <span className="muted">(threshold {formatPValue(s.threshold)} per value)</span>
                </li>
              );
            })}
          </ul>
        ) : (
          <p className="muted small">No segment dimensions in this analysis.</p>
        )}
      </Check>

      <Check title="Users in several variants" level={fromCounts ? "unavailable" : h.multipleExposure.level} testId="health-multiple-exposures">
        {fromCounts ? (
          countsNote
        ) : (
          <>
            <p>
              <strong>{formatPercent(h.multipleExposure.share, 2)}</strong> of exposed users ({formatInteger(h.multipleExposure.excluded)} of{" "}
              {formatInteger(h.multipleExposure.exposed)}) were seen in more than one variant and are left out of every number.
            </p>
            <p className="muted small">
              A warning from {formatPercent(MULTIPLE_EXPOSURE_WARN, 0)}, unreliable data from {formatPercent(MULTIPLE_EXPOSURE_FAIL, 0)}: the assignment is
              not sticky, or exposures are logged for the wrong variant.
            </p>
          </>
        )}
      </Check>

      <Check title="Pre-exposure bias" level={h.bias.level} testId="health-bias">
        {h.bias.rows.length === 0 ? (
          <p className="muted small">No metric has a pre-exposure period in this analysis (CUPED data).</p>
        ) : (
          <div className="table-scroll">
            <table className="compact stack-sm">
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  <th scope="col">Variant</th>
                  <th scope="col" className="num">
                    Before: control
                  </th>
                  <th scope="col" className="num">
                    Before: variant
                  </th>
                  <th scope="col" className="num">
                    Difference
                  </th>
                  <th scope="col" className="num">
                    p (Holm)
                  </th>
                  <th scope="col">Check</th>
                </tr>
              </thead>
              <tbody>
                {h.bias.rows.map((r) => {
                  const m = metricOf.get(r.metric);
                  const kind = { statistic: m?.statistic ?? "mean", unit: m?.unit, currency: m?.currency };
                  return (
                    <tr key={`${r.metric}-${r.variant}`} className={r.level}>
                      <th scope="row">{m?.name ?? r.metric}</th>
                      <td data-label="Variant">{nameOf.get(r.variant) ?? r.variant}</td>
                      <td className="num" data-label="Before: control">
                        {formatValue(r.controlMean, kind)}
                      </td>
                      <td className="num" data-label="Before: variant">
                        {formatValue(r.variantMean, kind)}
                      </td>
                      <td className="num" data-label="Difference">
                        {relativeLiftText(r.relativeDifference, null, null).estimate}
                      </td>
                      <td className="num" data-label="p (Holm)">
                        {formatPValue(r.adjustedPValue)}
                      </td>
                      <td data-label="Check">
                        <HealthBadge level={r.level} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <p className="muted small">
          Each metric in the {DEFAULT_COVARIATE_LOOKBACK_DAYS} days before each user&apos;s first exposure, compared across variants (Welch for means, the delta method for ratios; Holm-adjusted over every metric and variant):
          before exposure only chance may differ. Unreliable data below p = {BIAS_THRESHOLD}.
          {h.bias.notChecked.length ? ` Not checked: ${h.bias.notChecked.map((k) => metricOf.get(k)?.name ?? k).join(", ")} (no pre-period).` : ""}
        </p>
      </Check>

      <Check title="Placebo A/A" level={p.level} testId="health-placebo">
        {fromCounts ? (
          countsNote
        ) : p.comparisons === 0 ? (
          <p className="muted small">This snapshot predates the placebo split: refresh the analysis.</p>
        ) : (
          <>
            <p>
              The control group split in two by a hash of the user id (
              {formatInteger(p.halves.a)} and {formatInteger(p.halves.b)} users) and analysed like an experiment:{" "}
              <strong data-testid="placebo-rate">
                {p.found} of {p.comparisons} comparisons ({formatPercent(p.rate, 1)})
              </strong>{" "}
              found an effect at α = {formatPercent(p.alpha, 0)}, where about {formatPercent(p.alpha, 0)} are expected by chance.
              {p.level === "warn" ? " That is more than chance allows: this setup finds effects that are not there." : ""}
            </p>
            <div className="table-scroll">
              <table className="compact stack-sm">
                <thead>
                  <tr>
                    <th scope="col">Metric (all users)</th>
                    <th scope="col" className="num">
                      Half B vs half A
                    </th>
                    <th scope="col" className="num">
                      p-value
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {p.overall.map((r) => (
                    <tr key={r.metric} className={r.found ? "warn" : undefined}>
                      <th scope="row">{metricOf.get(r.metric)?.name ?? r.metric}</th>
                      <td className="num" data-label="Half B vs half A">
                        {liftLine(relativeLiftText(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh))}
                      </td>
                      <td className="num" data-label="p-value">
                        {formatPValue(r.pValue)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small">
              Every segment slice and metric counts as a comparison; fixed horizon, no correction.
              {p.notChecked.length ? ` Quantile metrics (${p.notChecked.map((k) => metricOf.get(k)?.name ?? k).join(", ")}) are not split.` : ""}
            </p>
          </>
        )}
      </Check>
    </div>
  );
}
