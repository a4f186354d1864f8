import type { Row, SqlParams } from "@/lib/warehouse/types";
import type { ColumnSpec } from "./columns";

/**
 * One warehouse statement of an analysis: its SQL and bound parameters, the columns its rows
 * carry, and the decoder from those rows into typed, additive statistics. Built by each
 * statement module's `build(plan, dialect)`.
 */
export interface Statement<T = unknown> {
  kind: "aggregates" | "quantile" | "timeseries" | "traffic" | "exposure-preview";
  /** unique within an analysis, e.g. "aggregates", "quantile:order_value_p90" */
  name: string;
  /** one line shown above the SQL */
  title: string;
  sql: string;
  params: SqlParams;
  columns: readonly ColumnSpec[];
  decode(rows: readonly Row[]): T;
}
