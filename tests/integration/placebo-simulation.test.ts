import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisPlan } from "@/lib/analysis/analysis-plan";
import type { MetricCatalog } from "@/lib/metrics/catalog";
import { repoCatalogWith } from "../support/test-catalog";
import { useTempEnvironment } from "../support/temp-env";

// The placebo A/A check validated by seeded simulation. A warehouse of A/A experiments (nothing
// differs between variants) with the product's own metrics on skewed, heavy-tailed activity, and
// CUPED pre-period data; each experiment's control group is split in two by the aggregates
// statement (a salted hash of the user id), and the halves are analysed like an experiment in
// every slice. Since nothing differs, the share of comparisons that "find" an effect must stay
// within α ± 1 percentage point — at α = 5% and at α = 10%.

const env = useTempEnvironment("placebo-simulation");
const EXPERIMENTS = 240;
const USERS = 8000;
const SEED = 20261130;
const METRICS = ["sessions", "feed_views", "searches", "add_to_cart", "purchases", "revenue", "shares", "active_days"];

let wh: import("@/lib/warehouse/duckdb").DuckDbWarehouse;
let catalog: MetricCatalog;

const seedSql = `
CREATE OR REPLACE TEMP MACRO rnd(a, b, c) AS ((hash(a, b, c, ${SEED}) % 1000003)::DOUBLE + 0.5) / 1000003.0;
CREATE TABLE users AS
SELECT CAST(i AS VARCHAR) AS user_id, DATE '2025-06-01' AS signup_date,
  CASE WHEN rnd(i, 1, 0) < 0.45 THEN 'ios' WHEN rnd(i, 1, 0) < 0.8 THEN 'android' ELSE 'web' END AS platform,
  CASE WHEN rnd(i, 2, 0) < 0.5 THEN 'US' ELSE 'DE' END AS country,
  -- a lognormal activity shared by every event type and by the pre- and post-exposure periods
  exp(0.8 * sqrt(-2 * ln(rnd(i, 3, 0))) * cos(2 * pi() * rnd(i, 4, 0)) - 0.32) AS activity
FROM range(${USERS}) t(i);

CREATE TABLE exposures AS
SELECT u.user_id, 'aa-' || k AS experiment_id,
  CASE WHEN rnd(CAST(u.user_id AS INTEGER), 10 + k, 1) < 0.5 THEN 'control' ELSE 'treatment' END AS variant,
  TIMESTAMP '2026-03-01' + to_microseconds(CAST(rnd(CAST(u.user_id AS INTEGER), 10 + k, 2) * 2 * 86400e6 AS BIGINT)) AS exposed_at,
  u.platform, u.country
FROM users u CROSS JOIN range(${EXPERIMENTS}) t(k);
ALTER TABLE exposures ADD COLUMN event_date DATE;
UPDATE exposures SET event_date = CAST(exposed_at AS DATE);

-- per user and event type, spread over 2026-02-10 .. 2026-03-14 (pre- and post-exposure alike):
-- activity counts with a long tail (exponential given the user's activity), and conversions
-- (a user converts with a chance that grows with activity, then repeats a few times)
CREATE TABLE events AS
WITH spec(idx, event_name, kind, base, extra) AS (VALUES
  (0, 'session_start', 'rate', 6.0, 0.0), (1, 'feed_view', 'rate', 3.0, 0.0), (2, 'search', 'rate', 1.0, 0.0),
  (3, 'add_to_cart', 'conversion', 0.4, 1.0), (4, 'purchase', 'conversion', 0.3, 0.6), (5, 'share', 'conversion', 0.3, 0.8)),
counts AS (
  SELECT CAST(u.user_id AS INTEGER) AS uid, u.user_id, s.idx, s.event_name,
    CASE WHEN s.kind = 'rate' THEN CAST(floor(-ln(rnd(CAST(u.user_id AS INTEGER), 100 + s.idx, 0)) * s.base * u.activity) AS INTEGER)
         WHEN rnd(CAST(u.user_id AS INTEGER), 200 + s.idx, 0) < LEAST(0.9, s.base * u.activity)
         THEN 1 + CAST(floor(-ln(rnd(CAST(u.user_id AS INTEGER), 300 + s.idx, 0)) * s.extra) AS INTEGER)
         ELSE 0 END AS n
  FROM users u CROSS JOIN spec s
),
expanded AS (SELECT uid, user_id, idx, event_name, unnest(range(n)) AS j FROM counts WHERE n > 0)
SELECT user_id, event_name,
  TIMESTAMP '2026-02-10' + to_microseconds(CAST(rnd(uid, 1000 + idx, j) * 32 * 86400e6 AS BIGINT)) AS event_time,
  CAST(NULL AS DATE) AS event_date,
  CASE WHEN event_name = 'purchase' THEN round(exp(3.4 + 0.9 * sqrt(-2 * ln(rnd(uid, 2000, j))) * cos(2 * pi() * rnd(uid, 2001, j))), 2) END AS value
FROM expanded;
UPDATE events SET event_date = CAST(event_time AS DATE);
`;

beforeAll(async () => {
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  wh = await DuckDbWarehouse.open({ path: env.warehouse, create: true });
  await wh.exec(seedSql);
  catalog = await repoCatalogWith([]);
}, 120_000);
afterAll(async () => {
  await wh?.close();
  await env.cleanup();
});

function planFor(k: number): AnalysisPlan {
  return {
    experimentKey: `aa-${k}`,
    exposureTable: "exposures",
    variants: ["control", "treatment"],
    startDate: "2026-03-01",
    endDate: "2026-03-14",
    windowDays: null,
    metrics: METRICS.map((key) => catalog.metrics.get(key)!),
    catalog,
    covariateLookbackDays: 14,
    segments: ["platform"],
    segmentLimit: 8,
  };
}

describe("placebo A/A by simulation", () => {
  it(`finds effects in α ± 1 point of comparisons over ${EXPERIMENTS} seeded A/A experiments`, async () => {
    const { buildAggregates } = await import("@/lib/analysis/statements/aggregates");
    const { mergeResults } = await import("@/lib/analysis/sufficient-stats");
    const { placeboHealth } = await import("@/lib/analysis/health");
    const tally = { 0.05: { comparisons: 0, found: 0 }, 0.1: { comparisons: 0, found: 0 } };
    let experimentsWithFinding = 0;
    for (let k = 0; k < EXPERIMENTS; k++) {
      const plan = planFor(k);
      const st = buildAggregates(plan, wh.dialect);
      const stats = mergeResults({
        metrics: plan.metrics,
        variants: [{ key: "control", weight: 1 }, { key: "treatment", weight: 1 }],
        control: "control",
        segments: plan.segments,
        covariates: true,
        aggregates: st.decode((await wh.query(st.sql, st.params)).rows),
        quantiles: [],
      });
      for (const alpha of [0.05, 0.1] as const) {
        const p = placeboHealth(stats, alpha, true);
        expect(p.comparisons).toBe(METRICS.length * 4); // all users + three platforms
        tally[alpha].comparisons += p.comparisons;
        tally[alpha].found += p.found;
        if (alpha === 0.05 && p.found > 0) experimentsWithFinding++;
      }
    }
    for (const alpha of [0.05, 0.1] as const) {
      const rate = tally[alpha].found / tally[alpha].comparisons;
      console.log(`placebo A/A at α = ${alpha}: ${tally[alpha].found} of ${tally[alpha].comparisons} comparisons found an effect (${(rate * 100).toFixed(2)}%)`);
      expect(Math.abs(rate - alpha), `rate ${rate} at α = ${alpha}`).toBeLessThanOrEqual(0.01);
    }
    // per experiment, several comparisons "finding" something is normal: that is why the check reports a rate
    expect(experimentsWithFinding).toBeGreaterThan(EXPERIMENTS / 2);
  }, 600_000);
});
