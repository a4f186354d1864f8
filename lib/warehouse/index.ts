import { config } from "../config";
import { bigqueryDialect, duckdbDialect, type Dialect } from "./dialect";
import { duckdbPath, warehouseKind, type WarehouseKind } from "./config";
import { DuckDbWarehouse } from "./duckdb";
import type { Warehouse } from "./types";

export type { Warehouse, WarehouseKind };
export { WarehouseError } from "./types";
export { WarehouseBusyError } from "./duckdb-instances";

/**
 * The configured warehouse (WAREHOUSE=duckdb|bigquery). On DuckDB it is a lease on the process'
 * one instance of the file (waiting while another process holds it); close() gives it back.
 */
export async function openWarehouse(kind: WarehouseKind = warehouseKind(), options: { signal?: AbortSignal } = {}): Promise<Warehouse> {
  if (kind === "duckdb") return DuckDbWarehouse.open({ path: duckdbPath(), signal: options.signal });
  const { BigQueryWarehouse, bigqueryConfigFromEnv } = await import("./bigquery");
  return new BigQueryWarehouse(bigqueryConfigFromEnv());
}

/** The dialect alone (for printing SQL without connecting). */
export function dialectFor(kind: WarehouseKind): Dialect {
  if (kind === "duckdb") return duckdbDialect;
  return bigqueryDialect({
    projectId: config().BIGQUERY_PROJECT ?? "your-project",
    dataset: config().BIGQUERY_DATASET ?? "your_dataset",
  });
}
