import path from "node:path";

export type WarehouseKind = "duckdb" | "bigquery";

export function warehouseKind(): WarehouseKind {
  const kind = process.env.WAREHOUSE ?? "duckdb";
  if (kind !== "duckdb" && kind !== "bigquery") throw new Error(`WAREHOUSE must be "duckdb" or "bigquery" (got "${kind}")`);
  return kind;
}

export function duckdbPath(): string {
  return process.env.DUCKDB_PATH ?? path.join(process.cwd(), "data", "warehouse.duckdb");
}
