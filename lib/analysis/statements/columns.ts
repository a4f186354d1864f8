import type { SegmentDimension } from "../segments";
import type { Row } from "@/lib/warehouse/types";

/**
 * Every column name a statement writes and its decoder reads comes from here, so the two cannot
 * drift apart. Per-metric columns are `<metric key>__<field>`: keys are lower_snake_case and the
 * fields below hold no "__" and do not start with "_", so two (key, field) pairs never collide.
 */
export const col = {
  variant: "variant",
  users: "users",
  excludedUsers: "excluded_users",
  /** the half (0 or 1) of a hash split of users: the placebo A/A groups by it */
  placeboHalf: "placebo_half",
  /** days since the analysis' start date */
  day: "day",
  exposures: "exposures",
  segment: (dim: SegmentDimension) => `seg_${dim}`,
  /** a per-metric column, in results or in intermediate relations */
  metric: (key: string, field: MetricField) => `${key}__${field}`,
  /** rows of statements that come per slice rather than per cell */
  dimension: "dimension",
  sliceValue: "slice_value",
  /** a quantile statement's columns */
  quantile: {
    n: "n",
    users: "users",
    estimate: "estimate",
    lower: "lower",
    upper: "upper",
    effectiveN: "effective_n",
    sumI: "sum_i",
    sumII: "sum_ii",
    sumMM: "sum_mm",
    sumIM: "sum_im",
  },
} as const;

export type MetricField =
  // per-user values (intermediate relations)
  | "value" // the user's count, sum or days in the metric's window
  | "hit" // 1 when the user has a qualifying row in the window
  | "pre_value" // the same before exposure (CUPED covariate)
  | "pre_hit"
  | "eligible" // 1 when the user's metric window has ended (windowed metrics)
  | "y" // the value the statistic reads, zero-filled and zero for users not eligible
  | "x" // the covariate the statistic reads
  // aggregates per cell
  | "n"
  | "sum"
  | "sumsq"
  | "xsum"
  | "xsumsq"
  | "xysum"
  | "dsum"
  | "dsumsq"
  | "prodsum"
  // ratio CUPED: pre-exposure numerator mp and denominator dp, and their products with post m and d
  | "mpsum"
  | "mpsumsq"
  | "dpsum"
  | "dpsumsq"
  | "mpdpsum"
  | "mmpsum"
  | "mdpsum"
  | "dmpsum"
  | "ddpsum";

export type ColumnKind = "number" | "string" | "nullable number" | "nullable string";

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}

export class StatementResultError extends Error {
  constructor(statement: string, message: string) {
    super(`${statement} statement: ${message}`);
    this.name = "StatementResultError";
  }
}

/** A value as a finite number (warehouses hand back bigints, numeric strings); anything else is an error. */
function asNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

export type DecodedValue = number | string | null;

/**
 * Checks every row against the statement's column list: each expected column present, nothing
 * unexpected, each value of its kind. A missing column is an error naming it, never a silent 0.
 */
export function readRows(statement: string, rows: readonly Row[], spec: readonly ColumnSpec[]): Record<string, DecodedValue>[] {
  const expected = new Map(spec.map((c) => [c.name, c.kind]));
  return rows.map((row, i) => {
    for (const name of Object.keys(row)) {
      if (!expected.has(name)) throw new StatementResultError(statement, `unexpected column "${name}" in row ${i + 1}`);
    }
    const out: Record<string, DecodedValue> = {};
    for (const [name, kind] of expected) {
      if (!(name in row)) throw new StatementResultError(statement, `the warehouse returned no column "${name}"`);
      const v = row[name];
      const nullable = kind.startsWith("nullable");
      if (v === null || v === undefined) {
        if (!nullable) throw new StatementResultError(statement, `column "${name}" is NULL in row ${i + 1}`);
        out[name] = null;
      } else if (kind.endsWith("number")) {
        const n = asNumber(v);
        if (n === null) throw new StatementResultError(statement, `column "${name}" is not a finite number in row ${i + 1}: ${String(v)}`);
        out[name] = n;
      } else {
        out[name] = String(v);
      }
    }
    return out;
  });
}

/** Typed access to a checked row. */
export const num = (r: Record<string, DecodedValue>, name: string): number => r[name] as number;
export const numOrNull = (r: Record<string, DecodedValue>, name: string): number | null => r[name] as number | null;
export const str = (r: Record<string, DecodedValue>, name: string): string => r[name] as string;
