import pLimit, { type LimitFunction } from "p-limit";
import { config } from "@/lib/config";

// At most ANALYSIS_CONCURRENCY analyses of this process touch the warehouse at once (default 1 on
// DuckDB, where they share one file's memory and cores; 4 on BigQuery); the others wait in line,
// first come first served. Kept on globalThis so Next's dev reload does not start a second line.
const globalForQueue = globalThis as unknown as { analysisQueue?: LimitFunction };

function queue(): LimitFunction {
  const limit = (globalForQueue.analysisQueue ??= pLimit(config().analysisConcurrency));
  // follows the configuration (tests change it between runs); raising it starts waiting analyses
  if (limit.concurrency !== config().analysisConcurrency) limit.concurrency = config().analysisConcurrency;
  return limit;
}

/** Runs `work` when a slot is free. */
export function inAnalysisSlot<T>(work: () => Promise<T>): Promise<T> {
  return queue()(work);
}

/** Analyses running and waiting in this process. */
export function analysisQueueState(): { running: number; waiting: number } {
  const limit = queue();
  return { running: limit.activeCount, waiting: limit.pendingCount };
}
