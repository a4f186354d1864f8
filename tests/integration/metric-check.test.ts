import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineSqlMetric } from "@/lib/metrics/define";
import { useTempEnvironment } from "../support/temp-env";

const env = useTempEnvironment("metric-check");
let wh: import("@/lib/warehouse/duckdb").DuckDbWarehouse;

beforeAll(async () => {
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  await seedWarehouse(env.warehouse, { users: 1000, days: 7, seed: 1 });
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  wh = await DuckDbWarehouse.open({ path: env.warehouse });
});
afterAll(async () => {
  await wh?.close();
  env.cleanup();
});

describe("metric contract check", () => {
  it("passes every registered metric", async () => {
    const { checkMetric } = await import("@/lib/analysis/metric-check");
    const { allMetrics } = await import("@/lib/metrics/registry");
    for (const m of allMetrics()) {
      const r = await checkMetric(m, wh);
      expect(r.problems, m.key).toEqual([]);
      expect(r.rows, m.key).toBeGreaterThan(0);
    }
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
    const r = await checkMetric(broken, wh);
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
    const r = await checkMetric(wrong, wh);
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
    const { getMetric } = await import("@/lib/metrics/registry");
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
      const r = await checkMetric(getMetric("active_days"), long);
      expect(r.problems).toEqual([]);
      expect(r.to).toBe("2026-07-19"); // day 199: the scan spans 200 days, four 62-day words
      expect(r.rows).toBe(2); // one row per user with an event; the analysis zero-fills the rest
      expect(r.meanN).toBeCloseTo((200 + 3) / 2, 10);
    } finally {
      await long.close();
    }
  });
});
