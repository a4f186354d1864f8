/**
 * The differences between DuckDB and BigQuery SQL that our builders need, and nothing more.
 * Builders write standard SQL and call these for the few places the engines disagree.
 */
export interface Dialect {
  readonly name: "duckdb" | "bigquery";
  /** Placeholder for a named parameter. */
  param(name: string): string;
  /** A source table, fully qualified where the engine needs it. */
  table(name: string): string;
  /** A quoted identifier (column alias). */
  ident(name: string): string;
  /** Timestamp expression plus a whole number of days (number expression). */
  addDays(timestampExpr: string, daysExpr: string): string;
  /** Timestamp expression plus a whole number of hours (number expression). */
  addHours(timestampExpr: string, hoursExpr: string): string;
  /** Date expression plus a whole number of days. */
  addDaysToDate(dateExpr: string, daysExpr: string): string;
  /** Whole days between two timestamps (later minus earlier), floored. */
  daysBetween(laterExpr: string, earlierExpr: string): string;
  /** Days between two DATE expressions (later minus earlier). */
  daysBetweenDates(laterExpr: string, earlierExpr: string): string;
  /**
   * The p-quantile of expr over all rows, as a window aggregate (NULLs ignored). `param` binds p
   * as a query parameter, for engines that accept one there.
   */
  percentileOverAll(expr: string, p: number, param: () => string): string;
  /** A relation `(x)` of the whole numbers 0 … count − 1 (count is a number expression). */
  integerSeries(countExpr: string): string;
  /**
   * 0 or 1 from a hash of `saltExpr` followed by the value of `expr` (a user id): a split in two
   * halves that is fixed for a given salt and independent of how users were assigned.
   */
  hashHalf(expr: string, saltExpr: string): string;
  readonly floatType: string;
  readonly intType: string;
  /** a 32-bit integer where the engine has one (narrower sort keys), else the only integer type */
  readonly smallIntType: string;
  /**
   * Written between `name AS` and `(` of a CTE every statement references more than once but
   * should join inline: DuckDB materialises such CTEs by default, and joins the copy about half as
   * fast (the cohort: 5M users, whole analysis 28 s → 22 s); BigQuery inlines them anyway.
   */
  readonly inlineCte: string;
}

const SAFE_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function assertIdentifier(name: string, what = "identifier"): string {
  if (!SAFE_IDENT.test(name)) throw new Error(`invalid ${what} "${name}": use letters, digits and underscores`);
  return name;
}

export const duckdbDialect: Dialect = {
  name: "duckdb",
  param: (name) => `$${assertIdentifier(name, "parameter name")}`,
  table: (name) => `"${assertIdentifier(name, "table name")}"`,
  ident: (name) => `"${assertIdentifier(name)}"`,
  addDays: (ts, days) => `(${ts} + to_days(CAST(${days} AS INTEGER)))`,
  addHours: (ts, hours) => `(${ts} + to_hours(CAST(${hours} AS BIGINT)))`,
  addDaysToDate: (d, days) => `CAST(${d} + to_days(CAST(${days} AS INTEGER)) AS DATE)`,
  daysBetween: (later, earlier) => `CAST(floor(epoch(${later} - ${earlier}) / 86400) AS BIGINT)`,
  daysBetweenDates: (later, earlier) => `(${later} - ${earlier})`, // DATE - DATE is whole days
  integerSeries: (count) => `(SELECT range AS x FROM range(CAST(${count} AS BIGINT)))`,
  percentileOverAll: (expr, _p, param) => `quantile_cont(${expr}, CAST(${param()} AS DOUBLE)) OVER ()`,
  hashHalf: (expr, salt) => `CAST(hash(${salt} || CAST(${expr} AS VARCHAR)) % 2 AS INTEGER)`,
  floatType: "DOUBLE",
  intType: "BIGINT",
  smallIntType: "INTEGER",
  inlineCte: "NOT MATERIALIZED ",
};

function percentLiteral(p: number): string {
  if (!(Number.isFinite(p) && p >= 0 && p <= 1)) throw new Error(`a percentile must be a number between 0 and 1 (got ${p})`);
  return String(p);
}

export interface BigQueryLocation {
  projectId: string;
  dataset: string;
}

export function bigqueryDialect({ projectId, dataset }: BigQueryLocation): Dialect {
  if (!/^[a-z0-9.:-]+$/i.test(projectId)) throw new Error(`invalid BigQuery project "${projectId}"`);
  assertIdentifier(dataset, "BigQuery dataset");
  return {
    name: "bigquery",
    param: (name) => `@${assertIdentifier(name, "parameter name")}`,
    table: (name) => `\`${projectId}.${dataset}.${assertIdentifier(name, "table name")}\``,
    ident: (name) => `\`${assertIdentifier(name)}\``,
    addDays: (ts, days) => `TIMESTAMP_ADD(${ts}, INTERVAL CAST(${days} AS INT64) DAY)`,
    addHours: (ts, hours) => `TIMESTAMP_ADD(${ts}, INTERVAL CAST(${hours} AS INT64) HOUR)`,
    addDaysToDate: (d, days) => `DATE_ADD(${d}, INTERVAL CAST(${days} AS INT64) DAY)`,
    // floored like DuckDB's: DIV and TIMESTAMP_DIFF(…, SECOND) both truncate toward zero, which differs for negative spans
    daysBetween: (later, earlier) => `CAST(FLOOR(TIMESTAMP_DIFF(${later}, ${earlier}, MICROSECOND) / 86400000000) AS INT64)`,
    daysBetweenDates: (later, earlier) => `DATE_DIFF(${later}, ${earlier}, DAY)`,
    // exact: APPROX_QUANTILES is not an analytic function, and a subquery would scan the sources again
    // PERCENTILE_CONT takes its percentile as a literal, so it is written into the SQL: a finite number in [0, 1]
    percentileOverAll: (expr, p) => `PERCENTILE_CONT(${expr}, ${percentLiteral(p)}) OVER ()`,
    integerSeries: (count) => `(SELECT x FROM UNNEST(GENERATE_ARRAY(0, CAST(${count} AS INT64) - 1)) AS x)`,
    hashHalf: (expr, salt) => `ABS(MOD(FARM_FINGERPRINT(CONCAT(${salt}, CAST(${expr} AS STRING))), 2))`,
    floatType: "FLOAT64",
    intType: "INT64",
    smallIntType: "INT64",
    inlineCte: "",
  };
}
