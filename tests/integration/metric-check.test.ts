import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogOf, getMetric, type MetricCatalog } from "@/lib/metrics/catalog";
import { defineEventMetric, defineSource, defineSqlMetric } from "@/lib/metrics/define";
import { repoCatalogWith } from "../support/test-catalog";
import { useTempEnvironment } from "../support/temp-env";

const env = useTempEnvironment("metric-check");
let wh: import("@/lib/warehouse/duckdb").DuckDbWarehouse;
let catalog: MetricCatalog;

beforeAll(async () => {
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  await seedWarehouse(env.warehouse, { users: 1000, days: 21, seed: 1 });
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  wh = await DuckDbWarehouse.open({ path: env.warehouse });
  catalog = await repoCatalogWith();
});
afterAll(async () => {
  await wh?.close();
  await env.cleanup();
});

describe("metric contract check", () => {
  it("passes every registered metric", async () => {
    const { checkMetric } = await import("@/lib/analysis/metric-check");
    expect(catalog.metrics.size).toBeGreaterThan(10);
    for (const m of catalog.metrics.values()) {
      const r = await checkMetric(m, catalog, wh);
      expect(r.problems, m.key).toEqual([]);
      if (m.kind === "ratio") {
        expect(r.parts.map((p) => p.metric), m.key).toEqual([m.numerator, m.denominator]);
        expect(r.ratio, m.key).toBeGreaterThan(0);
      } else expect(r.rows, m.key).toBeGreaterThan(0);
    }
    const p90 = await checkMetric(getMetric(catalog, "order_value_p90"), catalog, wh);
    const amounts = (await wh.query("SELECT amount FROM orders ORDER BY amount")).rows.map((r) => Number(r.amount));
    expect(p90.quantile).toBe(amounts[Math.ceil(amounts.length * 0.9) - 1]); // the p90 of every order
  });

  it("when a metric finds nothing, lists the event names that exist, with counts", async () => {
    const { checkMetric } = await import("@/lib/analysis/metric-check");
    const typo = defineEventMetric({ key: "checkouts_started", name: "c", statistic: "mean", events: ["checkout_start"], aggregate: "count" });
    const r = await checkMetric(typo, catalogOf([typo]), wh);
    expect(r.problems).toEqual([expect.stringMatching(/found no rows in events from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/)]);
    expect(r.available?.what).toBe("event names");
    const counts = (await wh.query("SELECT event_name, COUNT(*) AS n FROM events GROUP BY 1")).rows;
    expect(r.available?.items).toHaveLength(counts.length);
    for (const c of counts) expect(r.available?.items).toContainEqual({ name: String(c.event_name), count: Number(c.n) });
  });

  it("on a source without event names, lists its columns with counts; a filter that matches nothing is named", async () => {
    const { checkMetric } = await import("@/lib/analysis/metric-check");
    const none = defineEventMetric({ key: "nope_orders", name: "n", statistic: "mean", source: "orders", aggregate: "count", where: [{ column: "coupon", op: "=", value: "NOPE" }] });
    const cat = catalogOf([...[...catalog.sources.values()].filter((x) => x.key !== "events"), none]);
    const r = await checkMetric(none, cat, wh);
    expect(r.problems).toEqual([expect.stringMatching(/found no rows in orders/)]);
    expect(r.available?.what).toBe("columns");
    const total = Number((await wh.query("SELECT COUNT(*) AS n FROM orders")).rows[0]!.n);
    const coupons = Number((await wh.query("SELECT COUNT(coupon) AS n FROM orders")).rows[0]!.n);
    expect(r.available?.items).toEqual(expect.arrayContaining([{ name: "(rows)", count: total }, { name: "coupon (non-null)", count: coupons }]));
    expect(coupons).toBeGreaterThan(0);
    expect(coupons).toBeLessThan(total);
  });

  it("a source that declares a column its table lacks is reported, naming the field and the table's columns", async () => {
    const { checkMetric } = await import("@/lib/analysis/metric-check");
    const source = defineSource({ key: "orders", table: "orders", userId: "user_id", timestamp: "ordered_at", date: "order_date", columns: { total: "number", coupon: "number" } });
    const m = defineEventMetric({ key: "order_totals", name: "t", statistic: "mean", source: "orders", aggregate: "sum", column: "total" });
    const r = await checkMetric(m, catalogOf([source, m]), wh);
    expect(r.problems).toEqual([
      expect.stringMatching(/^source orders: columns\.total: table orders has no column "total"; it has user_id .*amount DOUBLE/),
      expect.stringMatching(/^source orders: columns\.coupon: column "coupon" is VARCHAR, declared number/),
    ]);
  });

  it("catches one row per event instead of per user, negative counts and non-0/1 flags", async () => {
    const { checkMetric } = await import("@/lib/analysis/metric-check");
    const broken = defineSqlMetric({
      key: "broken",
      name: "Broken",
      description: "forgets GROUP BY and subtracts",
      statistic: "mean",
      sql: (ctx) => `
        SELECT c.user_id, -1 AS n_broken, 2 AS pct_broken
        FROM ${ctx.cohort} c JOIN ${ctx.table("events")} e ON e.user_id = c.user_id
        WHERE ${ctx.eventDateRange("e")}`,
    });
    const r = await checkMetric(broken, catalogOf([broken]), wh);
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/users appear on more than one row/),
        expect.stringMatching(/negative n_broken/),
        expect.stringMatching(/pct_broken other than 0 or 1/),
      ]),
    );
  });

  it("catches missing and extra columns and non-numeric values", async () => {
    const { checkMetric } = await import("@/lib/analysis/metric-check");
    const wrong = defineSqlMetric({
      key: "wrong",
      name: "Wrong",
      description: "misnamed columns",
      statistic: "mean",
      sql: (ctx) => `SELECT c.user_id, 'x' AS n_wrong, 1 AS pct_other FROM ${ctx.cohort} c`,
    });
    const r = await checkMetric(wrong, catalogOf([wrong]), wh);
    expect(r.problems).toEqual(
      expect.arrayContaining([
        "missing column pct_wrong",
        expect.stringMatching(/unexpected column pct_other/),
        expect.stringMatching(/column n_wrong is VARCHAR, expected a number/),
      ]),
    );
  });
});

describe("distinct days over a long history", () => {
  it("counts 200 active days across four bitmask words (per-word counts must not overflow)", async () => {
    const { checkMetric } = await import("@/lib/analysis/metric-check");
    const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
    const long = await DuckDbWarehouse.open({ path: ":memory:" });
    try {
      // user 1: a session every day for 200 days (and a search on even days); user 2: three days; user 3: none
      await long.query(`CREATE TABLE users AS SELECT * FROM (VALUES (1, DATE '2026-01-01'), (2, DATE '2026-01-01'), (3, DATE '2026-01-01')) u(user_id, signup_date)`);
      await long.query(`CREATE TABLE events AS
        SELECT 1 AS user_id, 'session_start' AS event_name, TIMESTAMP '2026-01-01 08:00:00' + to_days(CAST(d AS INTEGER)) AS event_time,
               CAST(DATE '2026-01-01' + to_days(CAST(d AS INTEGER)) AS DATE) AS event_date, NULL::DOUBLE AS value
        FROM range(200) r(d)
        UNION ALL SELECT 1, 'search', TIMESTAMP '2026-01-01 20:00:00' + to_days(CAST(d AS INTEGER)), CAST(DATE '2026-01-01' + to_days(CAST(d AS INTEGER)) AS DATE), NULL
        FROM range(0, 200, 2) r(d)
        UNION ALL SELECT 2, 'purchase', TIMESTAMP '2026-03-01 12:00:00' + to_days(CAST(d AS INTEGER)), CAST(DATE '2026-03-01' + to_days(CAST(d AS INTEGER)) AS DATE), 10
        FROM (VALUES (0), (61), (62)) r(d)`);
      const r = await checkMetric(getMetric(catalog, "active_days"), catalog, long);
      expect(r.problems).toEqual([]);
      expect(r.to).toBe("2026-07-19"); // day 199: the scan spans 200 days, four 62-day words
      expect(r.rows).toBe(2); // one row per user with an event; the analysis zero-fills the rest
      expect(r.meanN).toBeCloseTo((200 + 3) / 2, 10);
    } finally {
      await long.close();
    }
  });
});
