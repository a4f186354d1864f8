/**
 * End to end without BigQuery: the analysis statement built for the BigQuery dialect from the real
 * metric registry, run through the adapter and the real client against the fake REST server,
 * which answers with canned aggregate rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAggregates } from "@/lib/analysis/statements/aggregates";
import type { AnalysisPlan } from "@/lib/analysis/analysis-plan";
import { DEFAULT_SEGMENT_LIMIT, type SegmentDimension } from "@/lib/analysis/segments";
import type { MetricCatalog } from "@/lib/metrics/catalog";
import { repoCatalogWith } from "../../support/test-catalog";
import { BigQueryWarehouse } from "@/lib/warehouse/bigquery";
import { FakeBigQuery, type FakeField } from "../../support/fake-bigquery";

let fake: FakeBigQuery;
let catalog: MetricCatalog;
const savedEmulatorHost = process.env.BIGQUERY_EMULATOR_HOST;

beforeAll(async () => {
  catalog = await repoCatalogWith();
  delete process.env.BIGQUERY_EMULATOR_HOST;
  fake = await FakeBigQuery.start("acme-analytics");
});
afterAll(async () => {
  await fake.close();
  if (savedEmulatorHost !== undefined) process.env.BIGQUERY_EMULATOR_HOST = savedEmulatorHost;
});

/** The output column names of the statement's final SELECT (its `expr AS name` list). */
function outputColumns(sql: string): string[] {
  const start = sql.lastIndexOf("\nSELECT\n");
  const end = sql.indexOf("\nFROM ", start);
  if (start < 0 || end < 0) throw new Error("cannot find the final SELECT list");
  return sql
    .slice(start + "\nSELECT\n".length, end)
    .split(",\n")
    .map((item, i) => {
      const alias = /\bAS ([a-z_][a-z0-9_]*)\s*$/i.exec(item.trim())?.[1];
      if (!alias) throw new Error(`output column ${i} has no alias: ${item}`);
      return alias;
    });
}

describe.each<{ covariateLookbackDays: number; windowDays: number | null; segments: SegmentDimension[] }>([
  { covariateLookbackDays: 14, windowDays: 7, segments: [] },
  { covariateLookbackDays: 0, windowDays: null, segments: [] },
  { covariateLookbackDays: 14, windowDays: 7, segments: ["platform", "country", "user_type"] },
])("analysis query on BigQuery (lookback $covariateLookbackDays, window $windowDays, segments $segments)", ({ covariateLookbackDays, windowDays, segments }) => {
  const plan = (): AnalysisPlan => ({
    experimentKey: "checkout_redesign",
    exposureTable: "exposures",
    variants: ["control", "treatment"],
    startDate: "2024-03-01",
    endDate: "2024-03-28",
    windowDays,
    // every metric the aggregates report: means, proportions, ratios, on events and orders
    metrics: [...catalog.metrics.values()].filter((m) => !(m.kind === "events" && m.statistic === "quantile")),
    catalog,
    covariateLookbackDays,
    segments,
    segmentLimit: DEFAULT_SEGMENT_LIMIT,
  });

  it("sends the fully-qualified, @-parameterised statement with every parameter, and decodes the aggregates", async () => {
    fake.reset({ dryRunBytes: 3_500_000_000 });
    const wh = new BigQueryWarehouse(fake.config({ dataset: "product_events", maxBytes: 50_000_000_000, location: "US" }));
    const statement = buildAggregates(plan(), wh.dialect);
    const { sql, params } = statement;

    // canned aggregate rows: one per variant, every output column of the statement
    const columns = outputColumns(sql);
    expect(columns).toEqual(statement.columns.map((c) => c.name));
    expect(columns).toEqual(expect.arrayContaining(["variant", "placebo_half", "users", "excluded_users", "revenue__sum", "aov__dsum", "order_revenue__sum"]));
    for (const dim of segments) expect(columns).toContain(`seg_${dim}`);
    const stringColumn = (c: string) => c === "variant" || c.startsWith("seg_");
    const intColumn = (c: string) => c === "users" || c === "excluded_users" || c === "placebo_half";
    const fields: FakeField[] = columns.map((name) => ({
      name,
      type: stringColumn(name) ? "STRING" : intColumn(name) ? "INTEGER" : "FLOAT",
    }));
    const cannedRow = (variant: string, users: number) =>
      columns.map((c, i) =>
        c === "variant" ? variant : c === "users" ? String(users) : c === "excluded_users" ? "12" : stringColumn(c) ? null : intColumn(c) ? "1" : `${i}.5`,
      );
    fake.script.result = { fields, rows: [cannedRow("control", 5012), cannedRow("treatment", 4988)] };

    const result = await wh.query(sql, params, { labels: { experiment: plan().experimentKey, app: "experiment-results" } });

    // what reached "BigQuery"
    const [dry] = fake.requestsTo("jobs.insert.dryRun");
    const [job] = fake.requestsTo("jobs.insert");
    const sentSql = job?.body?.configuration?.query?.query ?? "";
    expect(sentSql).toBe(sql);
    expect(dry?.body?.configuration?.query?.query).toBe(sql);
    expect(sentSql).toContain("`acme-analytics.product_events.events`");
    expect(sentSql).toContain("`acme-analytics.product_events.exposures`");
    expect(sentSql).toContain("`acme-analytics.product_events.orders`");
    // every table after FROM/JOIN is a CTE of the statement or a fully-qualified backquoted table
    const ctes = new Set([...sentSql.matchAll(/(?:WITH|,)\s*\n?([a-z_][a-z0-9_]*) AS \(/g)].map((m) => m[1]));
    for (const m of sentSql.matchAll(/\b(?:FROM|JOIN)\s+([^\s()]+)/g)) {
      const ref = m[1] ?? "";
      expect(ctes.has(ref) || /^`acme-analytics\.product_events\.[a-z_]+`$/.test(ref), `table reference ${ref}`).toBe(true);
    }
    // placeholders: only @name, no DuckDB $name or positional ?
    expect(sentSql).not.toMatch(/\$[A-Za-z_]/);
    expect(sentSql).not.toMatch(/\?/);
    const used = new Set([...sentSql.matchAll(/@([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    const sent = job?.body?.configuration?.query?.queryParameters ?? [];
    const sentNames = new Set(sent.map((p) => p.name));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(sentNames.has(name), `@${name} is used but not sent`).toBe(true);
    expect(sentNames).toEqual(new Set(Object.keys(params)));
    // each sent with the value and type of the bound parameter
    for (const p of sent) {
      const value = params[p.name ?? ""];
      expect(p.parameterValue?.value).toBe(String(value));
      const type = typeof value === "number" ? (Number.isInteger(value) ? "INT64" : "FLOAT64") : typeof value === "boolean" ? "BOOL" : "STRING";
      expect(p.parameterType?.type).toBe(type);
    }
    expect(sent.find((p) => p.name === "start_date")?.parameterValue?.value).toBe("2024-03-01");
    if (covariateLookbackDays > 0) {
      expect(sent.find((p) => p.name === "lookback_days")?.parameterType?.type).toBe("INT64");
      expect(sent.find((p) => p.name === "events_from")?.parameterValue?.value).toBe("2024-02-16");
    }
    if (windowDays !== null) expect(sent.find((p) => p.name === "window_days")?.parameterType?.type).toBe("INT64");
    expect(job?.body?.configuration?.query?.maximumBytesBilled).toBe("50000000000");
    expect(job?.body?.configuration?.labels).toEqual({ experiment: "checkout_redesign", app: "experiment-results" });
    expect(job?.body?.jobReference?.location).toBe("US");

    // what came back: plain numbers and strings, NULL segment values as null
    expect(result.rows).toHaveLength(2);
    for (const row of result.rows) {
      for (const c of columns) {
        if (stringColumn(c) && c !== "variant") expect(row[c], c).toBeNull();
        else expect(typeof row[c], c).toBe(c === "variant" ? "string" : "number");
      }
    }
    expect(result.rows.map((r) => [r.variant, r.users, r.excluded_users])).toEqual([
      ["control", 5012, 12],
      ["treatment", 4988, 12],
    ]);
    const revenueSum = columns.indexOf("revenue__sum");
    expect(result.rows[1]?.revenue__sum).toBe(Number(`${revenueSum}.5`));
    expect(result.stats.jobId).toBe(job?.body?.jobReference?.jobId);

    // and the statement's own decoder reads BigQuery's rows into typed sums
    const decoded = statement.decode(result.rows);
    expect(decoded.excludedUsers).toBe(12);
    expect(decoded.cells.map((c) => c.users)).toEqual([5012, 4988]);
    expect(decoded.cells.map((c) => c.half)).toEqual([1, 1]); // the placebo half, an INT64 from BigQuery
    const aov = decoded.cells[1]!.metrics.aov!;
    expect(aov.type).toBe("ratio");
    expect(aov.type === "ratio" && aov.denominatorSum).toBe(Number(`${columns.indexOf("aov__dsum")}.5`));
  });
});
