import type { MetricResultView } from "@/lib/analysis/results-document";
import { formatLift, formatMean, formatPercent, formatPValue } from "@/lib/format";

type Verdict = "win" | "lose" | "inconclusive";

function verdict(ciLow: number | null | undefined, ciHigh: number | null | undefined, higherIsBetter: boolean): Verdict {
  if (typeof ciLow !== "number" || typeof ciHigh !== "number") return "inconclusive";
  if (ciLow > 0) return higherIsBetter ? "win" : "lose";
  if (ciHigh < 0) return higherIsBetter ? "lose" : "win";
  return "inconclusive";
}

export function MetricTable({
  metric,
  control,
  level,
  correction,
}: {
  metric: MetricResultView;
  control: string;
  level: number;
  correction: string;
}) {
  const controlRow = metric.variants.find((v) => v.id === control);
  return (
    <div className="table-wrap">
      <h3 title={metric.description}>
        {metric.name} <span className="muted">({metric.key})</span>
      </h3>
      <table data-testid={`metric-${metric.key}`}>
        <thead>
          <tr>
            <th>Variant</th>
            <th className="num">Control mean</th>
            <th className="num">Variant mean</th>
            <th className="num">Absolute lift [{level}% CI]</th>
            <th className="num">Relative lift [{level}% CI]</th>
            <th className="num">{correction === "none" ? "p-value" : `p-value (${correction})`}</th>
            <th className="num">Chance to win</th>
          </tr>
        </thead>
        <tbody>
          {metric.variants
            .filter((v) => v.id !== control)
            .map((v) => {
              const result = verdict(v.relative?.ciLow, v.relative?.ciHigh, metric.higherIsBetter);
              return (
                <tr key={v.id} className={`${result} ${metric.role}`} data-verdict={result}>
                  <td>
                    {v.name}
                    {result !== "inconclusive" ? <span className="badge" style={{ marginLeft: 6 }}>{result}</span> : null}
                  </td>
                  <td className="num">{formatMean(controlRow?.mean, metric.statistic)}</td>
                  <td className="num">{formatMean(v.mean, metric.statistic)}</td>
                  <td className="num">{formatLift(v.absolute?.estimate, v.absolute?.ciLow, v.absolute?.ciHigh, false)}</td>
                  <td className="num lift">{formatLift(v.relative?.estimate, v.relative?.ciLow, v.relative?.ciHigh, true)}</td>
                  <td className="num">{formatPValue(correction === "none" ? v.pValue : v.adjustedPValue)}</td>
                  <td className="num">{formatPercent(v.chanceToWin, 1)}</td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}
