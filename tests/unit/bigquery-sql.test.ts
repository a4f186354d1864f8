/**
 * Every statement an analysis runs on BigQuery (the aggregates, one per quantile metric, and the
 * cumulative time series) parses with a BigQuery grammar (node-sql-parser, database "bigquery"),
 * for every metric type and source, binds exactly the parameters it uses, names only CTEs or
 * fully-qualified backquoted tables, and prunes partitions: each scan of a source table (events,
 * orders) and of the exposure table carries a `<date column> BETWEEN CAST(@a AS DATE) AND
 * CAST(@b AS DATE)` conjunct in the WHERE of the SELECT that scans it.
 *
 * The aggregates statement groups by the variant and every segment column (the slices are sums
 * of those cells, added up in code); that GROUP BY is checked on the parsed tree.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Parser } from "node-sql-parser";
import { buildAggregates } from "@/lib/analysis/statements/aggregates";
import { analysisStatements, statementList, type Statement } from "@/lib/analysis/statements";
import type { AnalysisPlan } from "@/lib/analysis/analysis-plan";
import type { MetricCatalog } from "@/lib/metrics/catalog";
import { defineEventMetric, defineRatioMetric, type MetricDefinition } from "@/lib/metrics/define";
import { DEFAULT_SEGMENT_LIMIT, SEGMENT_DIMENSIONS, type SegmentDimension } from "@/lib/analysis/segments";
import { bigqueryDialect, duckdbDialect } from "@/lib/warehouse/dialect";
import type { SqlParams } from "@/lib/warehouse/types";
import { activeDaysSql } from "../support/active-days-sql";
import { repoCatalogWith } from "../support/test-catalog";

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

/** Every scan of a real (non-CTE) table, with the `<dateColumn> BETWEEN` range that restricts it, if any. */
function scans(ast: Node, tableSuffix: string, dateColumn = "event_date"): RangeScan[] {
  const out: RangeScan[] = [];
  for (const s of selects(ast)) {
    for (const item of s.from ?? []) {
      if (!item.table || !(item.table === tableSuffix || item.table.endsWith(`.${tableSuffix}`))) continue;
      const alias = item.as ?? item.table;
      let range: [string, string] | null = null;
      for (const c of conjuncts(s.where)) {
        if (c.type !== "binary_expr" || String(c.operator).toUpperCase() !== "BETWEEN") continue;
        const left = c.left as Node;
        if (left?.type !== "column_ref" || columnName(left) !== dateColumn) continue;
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

/** The tables an analysis may read, with their partition columns. */
const SOURCES = [
  { table: "events", date: "event_date" },
  { table: "orders", date: "order_date" },
];

/**
 * Everything the test asserts about one generated statement: it parses, names only CTEs and
 * qualified tables, binds exactly its parameters, and every scan of a source or the exposure table
 * carries its partition range: from at most the analysis start (at least the start minus the CUPED
 * lookback) to the analysis end.
 */
function checkStatement(st: Pick<Statement, "sql" | "params" | "kind">, plan: AnalysisPlan): void {
  const { sql, params } = st;
  const ast = parse(sql);
  if (st.kind === "aggregates") {
    // the last grouping column is the placebo half, a hash of the user id (an expression, "?")
    expect(finalGroupBy(ast), "GROUP BY the variant, every segment column and the placebo half").toEqual(["variant", ...plan.segments.map((dim) => `seg_${dim}`), "?"]);
    expect(sql).toContain("ABS(MOD(FARM_FINGERPRINT(CONCAT(@placebo_salt, CAST(v.user_id AS STRING))), 2))");
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

  // partition pruning on every source scan
  let sourceScans = 0;
  for (const source of SOURCES) {
    for (const scan of scans(ast, source.table, source.date)) {
      sourceScans++;
      expect(scan.range, `scan of ${scan.table} AS ${scan.alias} has a ${source.date} BETWEEN range`).not.toBeNull();
      const [from, to] = scan.range ?? ["", ""];
      expect(String(params[from]) >= shiftDays(plan.startDate, -plan.covariateLookbackDays), `${scan.table} from ${String(params[from])}`).toBe(true);
      expect(String(params[from]) <= plan.startDate, `${scan.table} from ${String(params[from])}`).toBe(true);
      expect(params[to]).toBe(plan.endDate);
    }
  }
  // (an aggregates statement of quantile metrics alone only counts users; traffic counts users only)
  if (st.kind !== "traffic" && (st.kind !== "aggregates" || plan.metrics.some((m) => !(m.kind === "events" && m.statistic === "quantile")))) {
    expect(sourceScans, "the statement scans a source").toBeGreaterThan(0);
  }
  // and on the exposure table
  const exposureScans = scans(ast, plan.exposureTable);
  expect(exposureScans).toHaveLength(1);
  const [eFrom, eTo] = exposureScans[0]?.range ?? ["", ""];
  expect(params[eFrom]).toBe(plan.startDate);
  expect(params[eTo]).toBe(plan.endDate);

  // parameters: exactly the bound ones, all @named
  expect(paramsUsed(ast)).toEqual(new Set(Object.keys(params)));
  expect(sql).not.toMatch(/\$[A-Za-z_]/);
}

function shiftDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

let catalog: MetricCatalog;
let all: MetricDefinition[];

/** Test-only metrics beside the repository's, so every type and option is generated. */
const extra = [
  defineEventMetric({ key: "cart_within_72h", name: "c", statistic: "proportion", events: ["add_to_cart"], aggregate: "count", window: { fromHours: 1, toHours: 73 } }),
  defineEventMetric({ key: "searches_after_day_2", name: "s2", statistic: "mean", events: ["search"], aggregate: "count", window: { fromDay: 2 } }),
  defineEventMetric({ key: "order_days", name: "od", statistic: "mean", source: "orders", aggregate: "days", window: { toDay: 10 } }),
  defineEventMetric({ key: "non_welcome_revenue", name: "nw", statistic: "mean", source: "orders", aggregate: "sum", column: "amount",
    where: [{ column: "coupon", op: "not in", value: ["WELCOME10", "X"] }, { column: "platform", op: "is not null" }],
    capping: { upper: { type: "percentile", value: 0.95 }, lower: { type: "absolute", value: 1 } } }),
  defineRatioMetric({ key: "order_revenue_per_session", name: "rps", numerator: "order_revenue", denominator: "sessions" }),
  defineRatioMetric({ key: "carts_per_retained", name: "cpr", numerator: "add_to_cart", denominator: "d7_retained" }),
  defineEventMetric({ key: "sessions_p50", name: "q1", statistic: "quantile", quantile: 0.5, events: ["session_start"], aggregate: "count" }),
  defineEventMetric({ key: "revenue_p90_buyers", name: "q2", statistic: "quantile", quantile: 0.9, events: ["purchase"], aggregate: "sum", ignoreZeros: true }),
  defineEventMetric({ key: "order_value_p50_week", name: "q4", statistic: "quantile", quantile: 0.5, level: "event", source: "orders", aggregate: "sum",
    column: "amount", window: { toDay: 7 } }),
];

beforeAll(async () => {
  catalog = await repoCatalogWith([activeDaysSql, ...extra]);
  all = [...catalog.metrics.values()];
});

function planFor(metrics: MetricDefinition[], covariateLookbackDays: number, windowDays: number | null, segments: SegmentDimension[] = []): AnalysisPlan {
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
    catalog,
    covariateLookbackDays,
  };
}

const isQuantile = (m: MetricDefinition) => m.kind === "events" && m.statistic === "quantile";
// 60 days of lookback make distinct-day bitmasks span two words
const variantsOfPlan = [0, 14, 60].flatMap((lookback) => [null, 7].map((window) => ({ lookback, window })));
const segmentSets: SegmentDimension[][] = [[...SEGMENT_DIMENSIONS], ...SEGMENT_DIMENSIONS.map((d) => [d])];

describe("generated BigQuery SQL", () => {
  it("has every kind of metric to check", () => {
    const kinds = new Set(all.map((m) => (m.kind === "events" ? `${m.statistic}${m.level === "event" ? "/event" : ""}:${m.source ?? "events"}` : m.kind)));
    for (const k of ["mean:events", "proportion:events", "mean:orders", "proportion:orders", "quantile:events", "quantile/event:orders", "ratio", "sql"]) expect(kinds).toContain(k);
    expect(all.some((m) => m.kind === "events" && m.window)).toBe(true);
    expect(all.some((m) => m.kind === "events" && m.where)).toBe(true);
  });

  const sets = () => [
    ["all metrics", all],
    ["events source only", all.filter((m) => m.kind === "events" && (m.source ?? "events") === "events")],
    ["orders source only", all.filter((m) => m.kind === "events" && m.source === "orders")],
    ["quantiles only", all.filter(isQuantile)],
    ["SQL metrics only", all.filter((m) => m.kind === "sql")],
    ...all.map((m): [string, MetricDefinition[]] => [m.key, [m]]),
  ] as [string, MetricDefinition[]][];

  it.each(variantsOfPlan)("every statement of every metric set parses and prunes partitions (lookback $lookback, window $window)", ({ lookback, window }) => {
    let statements = 0;
    for (const [name, metrics] of sets()) {
      const plan = planFor(metrics, lookback, window);
      const planned = analysisStatements(plan, dialect);
      expect(planned.aggregates.sql, name).toBe(buildAggregates(plan, dialect).sql);
      expect(planned.quantiles, name).toHaveLength(metrics.filter(isQuantile).length);
      for (const st of statementList(planned)) {
        try {
          checkStatement(st, plan);
        } catch (err) {
          throw new Error(`${name} / ${st.name}: ${(err as Error).message}`);
        }
        statements++;
      }
    }
    expect(statements).toBeGreaterThan(all.length);
  });
});

describe("ratio CUPED on BigQuery", () => {
  it("the aggregates select every ratio's pre-exposure sums when CUPED is on (and none when off), and parse", () => {
    const ratios = all.filter((m) => m.kind === "ratio");
    expect(ratios.length).toBeGreaterThan(1);
    const fields = ["mpsum", "mpsumsq", "dpsum", "dpsumsq", "mpdpsum", "mmpsum", "mdpsum", "dmpsum", "ddpsum"];
    for (const lookback of [0, 14]) {
      const plan = planFor(ratios, lookback, null, ["platform"]);
      const st = buildAggregates(plan, dialect);
      checkStatement(st, plan);
      for (const m of ratios) {
        for (const f of fields) {
          expect(st.sql.includes(` AS ${m.key}__${f}`), `${m.key}__${f} with lookback ${lookback}`).toBe(lookback > 0);
          expect(st.columns.some((c) => c.name === `${m.key}__${f}`)).toBe(lookback > 0);
        }
      }
    }
  });
});

describe("generated BigQuery SQL with segments", () => {
  describe.each(segmentSets.map((segs) => [segs.join("+"), segs] as const))("%s", (_name, segments) => {
    it.each(variantsOfPlan)("parses and prunes partitions (lookback $lookback, window $window)", ({ lookback, window }) => {
      const plan = planFor(all, lookback, window, [...segments]);
      for (const st of statementList(analysisStatements(plan, dialect))) {
        // the time series are computed for the whole population only
        checkStatement(st, st.kind === "timeseries" ? { ...plan, segments: [] } : plan);
      }
    });
  });
});

describe("the experiment form's exposure preview", () => {
  it("parses, binds its values and prunes the exposure table's partitions", async () => {
    const { buildExposurePreview } = await import("@/lib/analysis/statements/exposure-preview");
    const st = buildExposurePreview({ exposureTable: "exposures", experimentKey: "new-exp", startDate: "2024-03-01", endDate: "2024-03-28" }, dialect);
    const ast = parse(st.sql);
    const [scan] = scans(ast, "exposures");
    expect(scan?.range).not.toBeNull();
    expect(st.params[scan!.range![0]]).toBe("2024-03-01");
    expect(st.params[scan!.range![1]]).toBe("2024-03-28");
    expect(paramsUsed(ast)).toEqual(new Set(Object.keys(st.params)));
    expect(st.sql).toContain(`\`${PROJECT}.${DATASET}.exposures\``);
  });
});

describe("percentile caps", () => {
  it("BigQuery gets the percentile as a literal (PERCENTILE_CONT wants one); DuckDB binds it", () => {
    const plan = planFor(all, 14, null);
    const bq = buildAggregates(plan, dialect);
    expect(bq.sql).toContain("PERCENTILE_CONT(NULLIF(revenue__value, 0), 0.99) OVER ()");
    expect(Object.keys(bq.params).some((k) => k.startsWith("cap_") && k.endsWith("_upper"))).toBe(false);
    const duck = buildAggregates(plan, duckdbDialect);
    expect(duck.sql).toContain("quantile_cont(NULLIF(revenue__value, 0), CAST($cap_revenue_upper AS DOUBLE)) OVER ()");
    expect(duck.params.cap_revenue_upper).toBe(0.99);
  });

  it("refuses a percentile outside [0, 1] rather than writing it into the SQL", () => {
    expect(() => dialect.percentileOverAll("x", 1.5, () => "@p")).toThrow(/between 0 and 1/);
    expect(() => dialect.percentileOverAll("x", Number.NaN, () => "@p")).toThrow(/between 0 and 1/);
  });
});

describe("the checks themselves can fail", () => {
  const statement = () => buildAggregates(planFor(all, 14, 7), dialect);

  it("the BigQuery grammar rejects the DuckDB rendering of the same analysis", () => {
    const duck = buildAggregates(planFor(all, 14, 7), duckdbDialect);
    expect(() => parse(duck.sql)).toThrow();
  });

  it("the BigQuery grammar rejects broken SQL", () => {
    const { sql } = statement();
    const broken = sql.replace(/\nGROUP BY /, "\nGROUP ");
    expect(broken).not.toBe(sql);
    expect(() => parse(broken)).toThrow();
  });

  it("an events scan without its event_date range is caught", () => {
    const st = statement();
    const pruned = st.sql.replace(/WHERE s\.event_date BETWEEN CAST\(@events_from AS DATE\) AND CAST\(@events_to AS DATE\)\n\s+AND /, "WHERE ");
    expect(pruned).not.toBe(st.sql);
    expect(() => checkStatement({ ...st, sql: pruned }, planFor(all, 14, 7))).toThrow(/event_date BETWEEN range/);
  });

  it("an orders scan without its order_date range is caught", () => {
    const st = statement();
    const pruned = st.sql.replace(/WHERE s\.order_date BETWEEN CAST\(@orders_from AS DATE\) AND CAST\(@orders_to AS DATE\)\n\s+AND /, "WHERE ");
    expect(pruned).not.toBe(st.sql);
    expect(() => checkStatement({ ...st, sql: pruned }, planFor(all, 14, 7))).toThrow(/order_date BETWEEN range/);
  });

  it("a range that is OR-ed (cannot prune) is caught", () => {
    const st = statement();
    const ored = st.sql.replace(
      "WHERE s.event_date BETWEEN CAST(@events_from AS DATE) AND CAST(@events_to AS DATE)",
      "WHERE (s.event_date BETWEEN CAST(@events_from AS DATE) AND CAST(@events_to AS DATE) OR TRUE)",
    );
    expect(ored).not.toBe(st.sql);
    expect(() => checkStatement({ ...st, sql: ored }, planFor(all, 14, 7))).toThrow(/event_date BETWEEN range/);
  });

  it("an unqualified table is caught", () => {
    const st = statement();
    const bare = st.sql.replace(`\`${PROJECT}.${DATASET}.events\``, "events");
    expect(() => checkStatement({ ...st, sql: bare }, planFor(all, 14, 7))).toThrow(/fully qualified/);
  });

  it("a GROUP BY that misses a segment column is caught", () => {
    const segPlan = planFor(all, 0, null, ["platform", "country"]);
    const q = buildAggregates(segPlan, dialect);
    const wrong = q.sql.replace(/\nGROUP BY ([a-z_]+)\.variant, ([a-z_]+)\.seg_platform, ([a-z_]+)\.seg_country, /, "\nGROUP BY $1.variant, $2.seg_platform, $3.seg_platform, ");
    expect(wrong).not.toBe(q.sql);
    expect(() => checkStatement({ ...q, sql: wrong }, segPlan)).toThrow(/GROUP BY the variant/);
  });

  it("a parameter used but not bound is caught", () => {
    const st = statement();
    const { events_to: _dropped, ...fewer } = st.params;
    expect(() => checkStatement({ ...st, params: fewer }, planFor(all, 14, 7))).toThrow();
  });
});
