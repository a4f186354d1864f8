import type { Warehouse } from "@/lib/warehouse/types";
import type { AnalysisPlan } from "./analysis-plan";
import { checkByteBudget } from "./byte-budget";
import type { Dialect } from "@/lib/warehouse/dialect";
import { analysisStatements, formatStatements, statementList, type AnalysisStatements, type Statement } from "./statements";
import type { QuantileResult } from "./statements/quantile";
import { mergeResults, type SufficientStats } from "./sufficient-stats";

/** A plan turned into statements, ready to run (its SQL is known before anything runs). */
export interface PreparedAnalysis {
  plan: AnalysisPlan;
  statements: AnalysisStatements;
  /** the statements as one script (for the snapshot's SQL view) */
  sql: string;
  /** per statement: the same name can carry a different value in another statement */
  params: { statement: string; params: Statement["params"] }[];
}

/** What running a plan produced: the merged statistics and what it took to get them. */
export interface Execution {
  stats: SufficientStats;
  rowCount: number;
  bytesProcessed: number | null;
}

export interface ExecuteOptions {
  variants: { key: string; weight: number }[];
  control: string;
  labels?: Record<string, string>;
  /** cancels the statement under way (DuckDB interrupt, BigQuery job cancel) and the ones after it */
  signal?: AbortSignal;
  /** told which step is under way, for the run's live status */
  onStep?: (step: string) => Promise<void>;
}

export function prepareAnalysis(plan: AnalysisPlan, d: Dialect): PreparedAnalysis {
  const statements = analysisStatements(plan, d);
  const list = statementList(statements);
  return { plan, statements, sql: formatStatements(list, false), params: list.map((s) => ({ statement: s.name, params: s.params })) };
}

/**
 * plan → statements → run → decode → merge: every statement runs once on the warehouse (after
 * the byte budget checked them all together), each decoder turns its rows into typed sums, and
 * the sums are merged into one SufficientStats. Nothing is stored here.
 */
export async function executePlan(prepared: PreparedAnalysis, wh: Warehouse, options: ExecuteOptions): Promise<Execution> {
  const { plan, statements: planned } = prepared;
  const statements = statementList(planned);
  const { signal, onStep } = options;
  if (wh.maxBytes !== null) await onStep?.("dry runs (byte budget)");
  const estimates = await checkByteBudget(wh, statements);
  let rowCount = 0;
  let bytes: number | null = null;
  const run = async <T>(s: Statement<T>): Promise<T> => {
    if (signal?.aborted) throw signal.reason;
    await onStep?.(s.name);
    const result = await wh.query(s.sql, s.params, { labels: options.labels, estimatedBytes: estimates?.[statements.indexOf(s as Statement)], signal });
    rowCount += result.rows.length;
    if (result.stats.bytesProcessed !== null) bytes = (bytes ?? 0) + result.stats.bytesProcessed;
    return s.decode(result.rows);
  };
  const aggregates = await run(planned.aggregates);
  const quantiles: QuantileResult[] = [];
  for (const q of planned.quantiles) quantiles.push(await run(q));
  const timeseries = planned.timeseries ? await run(planned.timeseries) : undefined;
  const traffic = await run(planned.traffic);
  const stats = mergeResults({
    metrics: plan.metrics,
    variants: options.variants,
    control: options.control,
    segments: plan.segments,
    covariates: plan.covariateLookbackDays > 0,
    aggregates,
    quantiles,
    timeseries,
    traffic,
  });
  return { stats, rowCount, bytesProcessed: bytes };
}
