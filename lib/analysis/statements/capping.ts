import type { Cap } from "@/lib/metrics/define";
import type { Dialect } from "@/lib/warehouse/dialect";
import { col } from "./columns";
import type { Measured } from "./measures";
import type { ParamBinder } from "./params";

const capOf = (m: Measured) => (m.statistic === "mean" ? m.capping : undefined);

export function isCapped(m: Measured): boolean {
  const c = capOf(m);
  return Boolean(c?.upper || c?.lower);
}

/** The threshold for one tail: a bound number, or a percentile of the users' non-zero values. */
function threshold(cap: Cap, column: string, m: Measured, tail: "upper" | "lower", d: Dialect, p: ParamBinder): string {
  const bound = () => p.bind(`cap_${m.key}_${tail}`, cap.value);
  // zeros are excluded so that a sparse metric's p99 is not simply 0
  return cap.type === "absolute" ? bound() : d.percentileOverAll(`NULLIF(${column}, 0)`, cap.value, bound);
}

function capped(column: string, m: Measured, d: Dialect, p: ParamBinder): string {
  const c = capOf(m);
  let expr = column;
  if (c?.lower) {
    const raised = `GREATEST(${expr}, COALESCE(${threshold(c.lower, column, m, "lower", d, p)}, ${expr}))`;
    // a percentile floor is taken over users who did something, so it must not lift the zeros
    expr = c.lower.type === "percentile" ? `CASE WHEN ${column} = 0 THEN ${column} ELSE ${raised} END` : raised;
  }
  if (c?.upper) expr = `LEAST(${expr}, COALESCE(${threshold(c.upper, column, m, "upper", d, p)}, ${expr}))`;
  return expr;
}

/**
 * CTE `capped_values`: `from` with each capped mean metric's value winsorized (the covariate with
 * its own threshold); every other column passes through. Percentile thresholds are window
 * aggregates over all users, so capping adds no second scan of the sources.
 */
export function cappedValuesCte(from: string, columns: readonly string[], measured: readonly Measured[], d: Dialect, p: ParamBinder): string {
  const cappedColumns = new Map<string, string>();
  for (const m of measured) {
    if (!isCapped(m)) continue;
    for (const field of ["value", "x"] as const) {
      const name = col.metric(m.key, field);
      if (columns.includes(name)) cappedColumns.set(name, `${capped(name, m, d, p)} AS ${name}`);
    }
  }
  return `capped_values AS (
  SELECT
    ${columns.map((c) => cappedColumns.get(c) ?? c).join(",\n    ")}
  FROM ${from}
)`;
}
