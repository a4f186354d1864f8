/**
 * Every statement an analysis runs on BigQuery (analysisStatements: the aggregates of
 * buildAnalysisQuery, and the cumulative time series by exposure and calendar day) parses with a BigQuery grammar
 * (node-sql-parser, database "bigquery"), binds exactly the parameters it uses, names only
 * CTEs or fully-qualified backquoted tables, and prunes partitions: each scan of `events`
 * (and of the exposure table) carries an `event_date BETWEEN CAST(@a AS DATE) AND CAST(@b AS DATE)`
 * conjunct in the WHERE of the SELECT that scans it.
 *
 * The aggregates statement groups by the variant and every segment column (the slices are sums
 * of those cells, added up in toSufficientStats); that GROUP BY is checked on the parsed tree.
 */
import { describe, expect, it } from "vitest";
import { Parser } from "node-sql-parser";
import { buildAnalysisQuery } from "@/lib/analysis/sql/analysis-sql";
import { analysisStatements } from "@/lib/analysis/sql/statements";
import type { AnalysisPlan } from "@/lib/analysis/sql/analysis-plan";
import { allMetrics } from "@/lib/metrics/registry";
import type { MetricDefinition } from "@/lib/metrics/define";
import { DEFAULT_SEGMENT_LIMIT, SEGMENT_DIMENSIONS, type SegmentDimension } from "@/lib/analysis/segments";
import { bigqueryDialect, duckdbDialect } from "@/lib/warehouse/dialect";
import type { SqlParams } from "@/lib/warehouse/types";
import { activeDaysSql } from "../support/active-days-sql";

const PROJECT = "acme-analytics";
const DATASET = "product_events";
const dialect = bigqueryDialect({ projectId: PROJECT, dataset: DATASET });
const parser = new Parser();

type Node = Record<string, unknown>;

function parse(sql: string): Node {
  const ast = parser.astify(sql, { database: "bigquery" });
  if (Array.isArray(ast)) {
    expect(ast).toHaveLength(1); // one statement
    return ast[0] as unknown as Node;
  }
  return ast as unknown as Node;
}

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null;
}

/** Calls `visit` on every object in the tree (pre-order). */
function walk(v: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(v)) {
    for (const item of v) walk(item, visit);
  } else if (isNode(v)) {
    visit(v);
    for (const child of Object.values(v)) walk(child, visit);
  }
}

interface FromItem {
  table?: string;
  as?: string | null;
  surround?: { table?: string };
}

interface SelectNode extends Node {
  type: "select";
  from: FromItem[] | null;
  where: Node | null;
}

function selects(ast: Node): SelectNode[] {
  const out: SelectNode[] = [];
  walk(ast, (n) => {
    if (n.type === "select" && "from" in n) out.push(n as SelectNode);
  });
  return out;
}

function cteNames(ast: Node): Set<string> {
  const names = new Set<string>();
  walk(ast, (n) => {
    if (Array.isArray(n.with)) {
      for (const w of n.with as Array<{ name?: { value?: string } | string }>) {
        const name = typeof w.name === "string" ? w.name : w.name?.value;
        if (name) names.add(name);
      }
    }
  });
  return names;
}

/** The conjuncts of a WHERE: split on AND only (an OR-ed predicate cannot prune partitions). */
function conjuncts(where: Node | null): Node[] {
  if (!where) return [];
  if (where.type === "binary_expr" && String(where.operator).toUpperCase() === "AND") {
    return [...conjuncts(where.left as Node), ...conjuncts(where.right as Node)];
  }
  return [where];
}

function columnName(ref: Node): string | undefined {
  const c = ref.column as unknown;
  if (typeof c === "string") return c;
  const inner = (c as { expr?: { value?: unknown } } | null)?.expr?.value;
  return typeof inner === "string" ? inner : undefined;
}

/** `param` if the node is CAST(@param AS DATE). */
function dateCastParam(n: unknown): string | undefined {
  if (!isNode(n) || n.type !== "cast") return undefined;
  const target = (n.target as Array<{ dataType?: string }> | undefined)?.[0]?.dataType;
  const expr = n.expr as Node | undefined;
  if (String(target).toUpperCase() !== "DATE" || expr?.type !== "param" || expr.prefix !== "@") return undefined;
  return String(expr.value);
}

interface RangeScan {
  table: string;
  alias: string;
  range: [string, string] | null;
}

/** Every scan of a real (non-CTE) table, with the event_date BETWEEN range that restricts it, if any. */
function scans(ast: Node, tableSuffix: string): RangeScan[] {
  const out: RangeScan[] = [];
  for (const s of selects(ast)) {
    for (const item of s.from ?? []) {
      if (!item.table || !(item.table === tableSuffix || item.table.endsWith(`.${tableSuffix}`))) continue;
      const alias = item.as ?? item.table;
      let range: [string, string] | null = null;
      for (const c of conjuncts(s.where)) {
        if (c.type !== "binary_expr" || String(c.operator).toUpperCase() !== "BETWEEN") continue;
        const left = c.left as Node;
        if (left?.type !== "column_ref" || columnName(left) !== "event_date") continue;
        const qualifier = left.table as string | null;
        if (qualifier !== alias && !(qualifier === null && (s.from ?? []).length === 1)) continue;
        const bounds = ((c.right as Node)?.value as unknown[] | undefined) ?? [];
        const from = dateCastParam(bounds[0]);
        const to = dateCastParam(bounds[1]);
        if (from && to) range = [from, to];
      }
      out.push({ table: item.table, alias, range });
    }
  }
  return out;
}

function paramsUsed(ast: Node): Set<string> {
  const used = new Set<string>();
  walk(ast, (n) => {
    if (n.type === "param") {
      expect(n.prefix).toBe("@");
      used.add(String(n.value));
    }
  });
  return used;
}

/** The final SELECT's GROUP BY, as column names: the variant, then one seg_<dim> per segment. */
function finalGroupBy(ast: unknown): string[] {
  const statement = (Array.isArray(ast) ? ast[0] : ast) as { groupby?: { columns?: { column?: unknown }[] } | { column?: unknown }[] };
  const g = statement.groupby;
  const columns = (Array.isArray(g) ? g : (g?.columns ?? [])) as { column?: unknown }[];
  return columns.map((c) => (typeof c.column === "string" ? c.column : String((c.column as { expr?: { value?: unknown } })?.expr?.value ?? "?")));
}

/**
 * Everything the test asserts about one generated statement. `lookbackDays`: how far before the
 * start the events scan must reach (the CUPED covariate window; 0 for statements without one).
 */
function checkStatement(sql: string, params: SqlParams, plan: AnalysisPlan, lookbackDays = plan.covariateLookbackDays): void {
  const ast = parse(sql);
  if (/^-- aggregates|^WITH[\s\S]*\bexcluded_users\b/.test(sql)) {
    expect(finalGroupBy(ast), "GROUP BY the variant and every segment column").toEqual(["variant", ...plan.segments.map((dim) => `seg_${dim}`)]);
  }

  // tables: CTEs, or `project.dataset.table` in backquotes
  const ctes = cteNames(ast);
  expect(ctes.size).toBeGreaterThan(0);
  for (const s of selects(ast)) {
    for (const item of s.from ?? []) {
      if (!item.table) continue; // a subquery
      if (ctes.has(item.table)) continue;
      expect(item.table, "a real table is fully qualified").toMatch(new RegExp(`^${PROJECT}\\.${DATASET}\\.[a-z_]+$`));
      expect(item.surround?.table, `${item.table} is backquoted`).toBe("`");
    }
  }

  // parameters: exactly the bound ones, all @named
  expect(paramsUsed(ast)).toEqual(new Set(Object.keys(params)));
  expect(sql).not.toMatch(/\$[A-Za-z_]/);

  // partition pruning on events: every scan, with the covariate lookback and analysis end as bounds
  const eventScans = scans(ast, "events");
  expect(eventScans.length, "the statement scans events").toBeGreaterThan(0);
  for (const scan of eventScans) {
    expect(scan.range, `scan of ${scan.table} AS ${scan.alias} has an event_date BETWEEN range`).not.toBeNull();
    const [from, to] = scan.range ?? ["", ""];
    expect(params[from]).toBe(shiftDays(plan.startDate, -lookbackDays));
    expect(params[to]).toBe(plan.endDate);
  }
  // and on the exposure table
  const exposureScans = scans(ast, plan.exposureTable);
  expect(exposureScans).toHaveLength(1);
  const [eFrom, eTo] = exposureScans[0]?.range ?? ["", ""];
  expect(params[eFrom]).toBe(plan.startDate);
  expect(params[eTo]).toBe(plan.endDate);
}

function shiftDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function planFor(
  metrics: MetricDefinition[],
  covariateLookbackDays: number,
  windowDays: number | null,
  segments: SegmentDimension[] = [],
): AnalysisPlan {
  return {
    segments,
    segmentLimit: DEFAULT_SEGMENT_LIMIT,
    experimentKey: "exp_checkout",
    exposureTable: "exposures",
    variants: ["control", "treatment", "treatment_b"],
    startDate: "2024-03-01",
    endDate: "2024-03-28",
    windowDays,
    metrics,
    covariateLookbackDays,
  };
}

const all = [...allMetrics(), activeDaysSql];
const metricSets: Array<[string, MetricDefinition[]]> = [
  ["all metrics", all],
  ["event metrics only", all.filter((m) => m.kind === "events")],
  ["SQL metrics only", all.filter((m) => m.kind === "sql")],
  ...all.map((m): [string, MetricDefinition[]] => [m.key, [m]]),
];
// 60 days of lookback make distinct-day bitmasks span two words
const variantsOfPlan = [0, 14, 60].flatMap((lookback) => [null, 7].map((window) => ({ lookback, window })));
const segmentSets: SegmentDimension[][] = [[...SEGMENT_DIMENSIONS], ...SEGMENT_DIMENSIONS.map((d) => [d])];

describe("generated BigQuery SQL", () => {
  it("has metric sets to check", () => {
    expect(all.length).toBeGreaterThan(0);
    expect(metricSets.every(([, ms]) => ms.length > 0)).toBe(true);
  });

  describe.each(metricSets)("%s", (_name, metrics) => {
    it.each(variantsOfPlan)("parses and prunes partitions (lookback $lookback, window $window)", ({ lookback, window }) => {
      const plan = planFor(metrics, lookback, window);
      const statements = analysisStatements(plan, dialect);
      expect(statements[0]?.kind).toBe("aggregates");
      expect(statements[0]?.sql).toBe(buildAnalysisQuery(plan, dialect).sql);
      const drawn = metrics.some((m) => m.kind === "events" && m.aggregate !== "days");
      expect(statements.map((st) => st.kind)).toEqual(drawn ? ["aggregates", "timeseries"] : ["aggregates"]);
      for (const st of statements) {
        checkStatement(st.sql, st.params, plan, st.kind === "aggregates" ? plan.covariateLookbackDays : 0);
      }
    });
  });
});

describe("generated BigQuery SQL with segments", () => {
  describe.each(segmentSets.map((segs) => [segs.join("+"), segs] as const))("%s", (_name, segments) => {
    it.each(variantsOfPlan)("parses and prunes partitions (lookback $lookback, window $window)", ({ lookback, window }) => {
      const plan = planFor(all, lookback, window, [...segments]);
      for (const st of analysisStatements(plan, dialect)) {
        // the time series are computed for the whole population only
        const stPlan = st.kind === "aggregates" ? plan : { ...plan, segments: [] };
        checkStatement(st.sql, st.params, stPlan, st.kind === "aggregates" ? plan.covariateLookbackDays : 0);
      }
    });
  });

});

describe("percentile caps", () => {
  it("BigQuery gets the percentile as a literal (PERCENTILE_CONT wants one); DuckDB binds it", () => {
    const plan = planFor(all, 14, null);
    const bq = buildAnalysisQuery(plan, dialect);
    expect(bq.sql).toContain("PERCENTILE_CONT(NULLIF(y_revenue, 0), 0.99) OVER ()");
    expect(Object.keys(bq.params).some((k) => k.startsWith("cap_"))).toBe(false);
    const duck = buildAnalysisQuery(plan, duckdbDialect);
    expect(duck.sql).toContain("quantile_cont(NULLIF(y_revenue, 0), CAST($cap_revenue_upper AS DOUBLE)) OVER ()");
    expect(duck.params.cap_revenue_upper).toBe(0.99);
  });

  it("refuses a percentile outside [0, 1] rather than writing it into the SQL", () => {
    expect(() => dialect.percentileOverAll("x", 1.5, () => "@p")).toThrow(/between 0 and 1/);
    expect(() => dialect.percentileOverAll("x", Number.NaN, () => "@p")).toThrow(/between 0 and 1/);
  });
});

describe("the checks themselves can fail", () => {
  const plan = planFor(all, 14, 7);
  const { sql, params } = buildAnalysisQuery(plan, dialect);

  it("the BigQuery grammar rejects the DuckDB rendering of the same analysis", () => {
    const duck = buildAnalysisQuery(plan, duckdbDialect);
    expect(() => parse(duck.sql)).toThrow();
  });

  it("the BigQuery grammar rejects broken SQL", () => {
    const broken = sql.replace(/\nGROUP BY /, "\nGROUP ");
    expect(broken).not.toBe(sql);
    expect(() => parse(broken)).toThrow();
  });

  it("an events scan without its event_date range is caught", () => {
    const pruned = sql.replace(
      /WHERE e\.event_date BETWEEN CAST\(@events_from AS DATE\) AND CAST\(@events_to AS DATE\)\n\s+AND /,
      "WHERE ",
    );
    expect(pruned).not.toBe(sql);
    expect(() => checkStatement(pruned, params, plan)).toThrow(/event_date BETWEEN range/);
  });

  it("a range that is OR-ed (cannot prune) is caught", () => {
    const ored = sql.replace(
      "WHERE e.event_date BETWEEN CAST(@events_from AS DATE) AND CAST(@events_to AS DATE)",
      "WHERE (e.event_date BETWEEN CAST(@events_from AS DATE) AND CAST(@events_to AS DATE) OR TRUE)",
    );
    expect(ored).not.toBe(sql);
    expect(() => checkStatement(ored, params, plan)).toThrow(/event_date BETWEEN range/);
  });

  it("an unqualified table is caught", () => {
    const bare = sql.replace(`\`${PROJECT}.${DATASET}.events\``, "events");
    expect(() => checkStatement(bare, params, plan)).toThrow(/fully qualified/);
  });

  it("a GROUP BY that misses a segment column is caught", () => {
    const segPlan = planFor(all, 0, null, ["platform", "country"]);
    const q = buildAnalysisQuery(segPlan, dialect);
    const wrong = q.sql.replace(/\nGROUP BY ([a-z_]+)\.variant, ([a-z_]+)\.seg_platform, ([a-z_]+)\.seg_country\n/, "\nGROUP BY $1.variant, $2.seg_platform, $3.seg_platform\n");
    expect(wrong).not.toBe(q.sql);
    expect(() => checkStatement(wrong, q.params, segPlan)).toThrow(/GROUP BY the variant/);
  });

  it("a parameter used but not bound is caught", () => {
    const { events_to: _dropped, ...fewer } = params;
    expect(() => checkStatement(sql, fewer, plan)).toThrow();
  });
});
