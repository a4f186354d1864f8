import type { Dialect } from "@/lib/warehouse/dialect";
import type { AnalysisPlan } from "./analysis-plan";
import { buildAnalysisQuery, type AnalysisQuery } from "./analysis-sql";
import { isEventMetric } from "./metric-sql";
import { buildTimeSeriesQuery, type TimeSeriesMode } from "./timeseries-sql";

export type Statement = AnalysisQuery & ({ kind: "aggregates" } | { kind: "timeseries"; mode: TimeSeriesMode });

/**
 * Every statement one analysis runs: the aggregates (whole population and segments, one scan of
 * events) and, for declarative metrics, the cumulative time series by exposure day and calendar day.
 */
export function analysisStatements(plan: AnalysisPlan, d: Dialect): Statement[] {
  const statements: Statement[] = [{ kind: "aggregates", ...buildAnalysisQuery(plan, d) }];
  const eventMetrics = plan.metrics.filter(isEventMetric);
  if (eventMetrics.length > 0) {
    for (const mode of ["exposure", "calendar"] as const) {
      statements.push({ kind: "timeseries", mode, ...buildTimeSeriesQuery(plan, eventMetrics, mode, d) });
    }
  }
  return statements;
}

/** The statements as one script: each followed by a line with a single `;`. */
export function formatStatements(statements: Statement[], withParams: boolean): string {
  return statements
    .map((s) => {
      const title = s.kind === "aggregates" ? "aggregates per variant and segment" : `cumulative time series by ${s.mode} day`;
      const params = withParams ? Object.entries(s.params).map(([k, v]) => `\n--   ${k} = ${JSON.stringify(v)}`).join("") : "";
      return `-- ${title}${withParams ? "; bound parameters:" : ""}${params}\n${s.sql}\n;`;
    })
    .join("\n");
}
