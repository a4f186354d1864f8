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
