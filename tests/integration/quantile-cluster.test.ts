import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisPlan } from "@/lib/analysis/analysis-plan";
import { catalogOf } from "@/lib/metrics/catalog";
import { defineEventMetric, type EventMetric } from "@/lib/metrics/define";
import type { DuckDbWarehouse } from "@/lib/warehouse/duckdb";

// What the cluster adjustment of event-level quantiles is for: rows of one user are not
// independent. When every user's rows carry the same value, the rows say no more than one row per
// user would, and the effective sample n* must come out near the number of users, not of rows;
// with one row per user, n* must come out near n.

let wh: DuckDbWarehouse;

beforeAll(async () => {
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  wh = await DuckDbWarehouse.open({ path: ":memory:" });
  await wh.query(`CREATE TABLE users AS SELECT range AS user_id, DATE '2025-01-01' AS signup_date FROM range(400)`);
  await wh.query(`CREATE TABLE exposures AS
    SELECT range AS user_id, 'exp' AS experiment_id, CASE WHEN range % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
           TIMESTAMP '2026-03-01 00:00:00' + to_minutes(CAST(range AS BIGINT)) AS exposed_at, DATE '2026-03-01' AS event_date, 'ios' AS platform, 'US' AS country
    FROM range(400)`);
  // "same": 5 rows per user, all with the user's own value; "single": 1 row per user
  await wh.query(`CREATE TABLE events AS
    SELECT u.range AS user_id, 'same' AS event_name, TIMESTAMP '2026-03-02 00:00:00' + to_minutes(CAST(k.range AS BIGINT)) AS event_time,
           DATE '2026-03-02' AS event_date, CAST(hash(u.range) % 1000 AS DOUBLE) AS value
    FROM range(400) u CROSS JOIN range(5) k
    UNION ALL
    SELECT range, 'single', TIMESTAMP '2026-03-03 00:00:00', DATE '2026-03-03', CAST(hash(range * 7) % 1000 AS DOUBLE) FROM range(400)`);
});
afterAll(async () => {
  await wh?.close();
});

async function quantileOf(event: string) {
  const { buildQuantile } = await import("@/lib/analysis/statements/quantile");
  const m = defineEventMetric({ key: "q", name: "q", statistic: "quantile", quantile: 0.5, level: "event", events: [event], aggregate: "sum" });
  const plan: AnalysisPlan = {
    experimentKey: "exp", exposureTable: "exposures", variants: ["control", "treatment"], startDate: "2026-03-01", endDate: "2026-03-05",
    windowDays: null, metrics: [m], catalog: catalogOf([m]), covariateLookbackDays: 0, segments: [], segmentLimit: 8,
  };
  const s = buildQuantile(m as EventMetric, plan, wh.dialect);
  return s.decode((await wh.query(s.sql, s.params)).rows).slices.all!;
}

describe("event-level quantiles: the effective sample", () => {
  it("is about the number of users when each user's rows are copies of one value", async () => {
    const all = await quantileOf("same");
    for (const variant of ["control", "treatment"]) {
      const q = all[variant]!;
      expect(q.n).toBe(1000); // rows
      expect(q.users).toBe(200);
      expect(q.quantile.effectiveN!).toBeGreaterThan(150);
      expect(q.quantile.effectiveN!).toBeLessThan(260);
      // so the bracket is as wide as 200 independent values would make it, not 1000
      expect(q.quantile.lower!).toBeLessThan(q.quantile.estimate!);
      expect(q.quantile.upper!).toBeGreaterThan(q.quantile.estimate!);
    }
  });

  it("is about n when each user has one row", async () => {
    const all = await quantileOf("single");
    for (const variant of ["control", "treatment"]) {
      const q = all[variant]!;
      expect(q.n).toBe(200);
      expect(Math.abs(q.quantile.effectiveN! - 200) / 200).toBeLessThan(0.05);
    }
  });
});
