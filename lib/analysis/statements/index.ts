import type { Dialect } from "@/lib/warehouse/dialect";
import type { AnalysisPlan } from "../analysis-plan";
import { buildAggregates, type AggregatesResult } from "./aggregates";
import { isQuantile } from "./measures";
import { buildQuantile, type QuantileResult } from "./quantile";
import type { Statement } from "./statement";
import { buildTimeSeries, timeSeriesMetrics, type TimeSeriesStats } from "./timeseries";
import { buildTraffic, type TrafficStats } from "./traffic";
import { commentText } from "../sql-comment";

export type { Statement } from "./statement";

/** Every statement one analysis runs, by role. */
export interface AnalysisStatements {
  /** users, SRM, excluded users, and every mean, proportion and ratio metric per variant × segment cell */
  aggregates: Statement<AggregatesResult>;
  /** one per quantile metric: per variant × slice */
  quantiles: Statement<QuantileResult>[];
  /** cumulative series by exposure day and calendar day, when some metric is drawn */
  timeseries: Statement<TimeSeriesStats[]> | null;
  /** users first exposed per day and variant (the health section's traffic) */
  traffic: Statement<TrafficStats>;
}

export function analysisStatements(plan: AnalysisPlan, d: Dialect): AnalysisStatements {
  return {
    aggregates: buildAggregates(plan, d),
    quantiles: plan.metrics.filter(isQuantile).map((m) => buildQuantile(m, plan, d)),
    timeseries: timeSeriesMetrics(plan.metrics).length > 0 ? buildTimeSeries(plan, d) : null,
    traffic: buildTraffic(plan, d),
  };
}

/** The statements in the order they run. */
export function statementList(s: AnalysisStatements): Statement[] {
  return [s.aggregates, ...s.quantiles, ...(s.timeseries ? [s.timeseries] : []), s.traffic];
}

/** The statements as one script: each followed by a line with a single `;`. */
export function formatStatements(statements: readonly Statement[], withParams: boolean): string {
  return statements
    .map((s) => {
      const params = withParams ? Object.entries(s.params).map(([k, v]) => `\n--   ${commentText(`${k} = ${JSON.stringify(v)}`)}`).join("") : "";
      return `-- ${commentText(s.title)}${withParams ? "; bound parameters:" : ""}${params}\n${s.sql}\n;`;
    })
    .join("\n");
}
