import type { Dialect } from "@/lib/warehouse/dialect";
import { commentText } from "../sql-comment";
import type { AnalysisPlan } from "./analysis-plan";
import { buildAnalysisQuery, type AnalysisQuery } from "./analysis-sql";
import { buildTimeSeriesQuery, timeSeriesMetrics } from "./timeseries-sql";

export type Statement = AnalysisQuery & { kind: "aggregates" | "timeseries" };

/**
 * Every statement one analysis runs: the aggregates (whole population and segments, one scan of
 * events for the declarative metrics) and, when there are metrics to draw, the cumulative time
 * series by exposure day and by calendar day (one more scan).
 */
export function analysisStatements(plan: AnalysisPlan, d: Dialect): Statement[] {
  const statements: Statement[] = [{ kind: "aggregates", ...buildAnalysisQuery(plan, d) }];
  const drawn = timeSeriesMetrics(plan.metrics);
  if (drawn.length > 0) statements.push({ kind: "timeseries", ...buildTimeSeriesQuery(plan, drawn, d) });
  return statements;
}

/** The statements as one script: each followed by a line with a single `;`. */
export function formatStatements(statements: Statement[], withParams: boolean): string {
  return statements
    .map((s) => {
      const title = s.kind === "aggregates" ? "aggregates per variant and segment" : "cumulative time series by day since exposure and by calendar day";
      const params = withParams ? Object.entries(s.params).map(([k, v]) => `\n--   ${commentText(`${k} = ${JSON.stringify(v)}`)}`).join("") : "";
      return `-- ${title}${withParams ? "; bound parameters:" : ""}${params}\n${s.sql}\n;`;
    })
    .join("\n");
}
