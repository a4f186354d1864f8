import { formatBytes } from "@/lib/format";
import { WarehouseError, type Warehouse } from "@/lib/warehouse/types";
import type { Statement } from "./statements";

/**
 * Refuses an analysis whose statements together would scan more than the warehouse's cap, before
 * any of them runs: each statement alone may fit under BIGQUERY_MAX_BYTES while the analysis as a
 * whole does not, and stopping after the first statement would already have billed it.
 * Returns each statement's estimate, for the queries to reuse instead of dry-running again
 * (undefined where the warehouse has no cap, e.g. DuckDB).
 */
export async function checkByteBudget(wh: Warehouse, statements: Statement[]): Promise<(number | null)[] | undefined> {
  if (wh.maxBytes === null) return undefined;
  const estimates = await Promise.all(statements.map((s) => wh.estimateBytes(s.sql, s.params)));
  const total = estimates.reduce<number>((a, b) => a + (b ?? 0), 0);
  if (total > wh.maxBytes) {
    const each = estimates.map((b, i) => `${statements[i]!.name} ${b === null ? "unknown" : formatBytes(b, 2)}`).join(", ");
    throw new WarehouseError(
      `analysis refused: its ${statements.length} statements would scan ${formatBytes(total, 2)} in all (${each}), above BIGQUERY_MAX_BYTES=${wh.maxBytes} (${formatBytes(wh.maxBytes, 2)}); narrow the date range or raise the cap`,
      wh.kind,
    );
  }
  return estimates;
}
