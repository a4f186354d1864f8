import { config } from "../config";

export type WarehouseKind = "duckdb" | "bigquery";

export function warehouseKind(): WarehouseKind {
  return config().WAREHOUSE;
}

export function duckdbPath(): string {
  return config().duckdbPath;
}
