import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisPlan } from "@/lib/analysis/analysis-plan";
import { DEFAULT_VIEW } from "@/lib/analysis/stats-request";
import type { MetricCatalog } from "@/lib/metrics/catalog";
import { cohortOf, declarativeParts, perUserValues, type World } from "../support/brute-force";
import { repoCatalogWith } from "../support/test-catalog";
import { useTempEnvironment } from "../support/temp-env";

// A ratio metric's numbers on the results page, end to end (warehouse sums → stored stats → stats
// engine), against the delta method computed here from per-user values (Deng, Knoblich & Lu 2018,
// "Applying the Delta Method in Metric Analytics", eq. 3): R = ȳ/x̄,
// Var(R) ≈ (s²_y/x̄² − 2ȳ·s_xy/x̄³ + ȳ²·s²_x/x̄⁴)/n. (The engine itself is checked against R.)

const env = useTempEnvironment("ratio-interval");
let wh: import("@/lib/warehouse/duckdb").DuckDbWarehouse;
let world: World;
let catalog: MetricCatalog;

beforeAll(async () => {
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  await seedWarehouse(env.warehouse, { users: 20000, days: 21, seed: 11 });
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  wh = await DuckDbWarehouse.open({ path: env.warehouse });
  const all = async (sql: string) => (await wh.query(sql)).rows;
  world = {
    exposures: await all("SELECT user_id, experiment_id, variant, exposed_at, platform, country FROM exposures WHERE experiment_id = 'checkout-upsell'"),
    users: await all("SELECT user_id, CAST(signup_date AS VARCHAR) AS signup_date FROM users"),
    sources: { orders: await all("SELECT user_id, ordered_at, order_date, amount, coupon, platform FROM orders") },
  };
  catalog = await repoCatalogWith();
});
afterAll(async () => {
  await wh?.close();
  env.cleanup();
});

function deltaMethod(pairs: [number, number][]) {
  const n = pairs.length;
  const mean = (f: (p: [number, number]) => number) => pairs.reduce((a, p) => a + f(p), 0) / n;
  const y = mean((p) => p[0]);
  const x = mean((p) => p[1]);
  const cov = (f: (p: [number, number]) => number, g: (p: [number, number]) => number, mf: number, mg: number) =>
    pairs.reduce((a, p) => a + (f(p) - mf) * (g(p) - mg), 0) / (n - 1);
  const syy = cov((p) => p[0], (p) => p[0], y, y);
  const sxx = cov((p) => p[1], (p) => p[1], x, x);
  const sxy = cov((p) => p[0], (p) => p[1], y, x);
  return { ratio: y / x, variance: (syy / x ** 2 - (2 * y * sxy) / x ** 3 + (y ** 2 * sxx) / x ** 4) / n };
}

describe("ratio metrics on the results page", () => {
  it("the average order value's means and interval equal the delta method over per-user values", async () => {
    const { executePlan, prepareAnalysis } = await import("@/lib/analysis/execute-plan");
    const { resultsFromStats } = await import("@/lib/analysis/results-document");
    const plan: AnalysisPlan = {
      experimentKey: "checkout-upsell", exposureTable: "exposures", variants: ["control", "addons"], startDate: "2026-10-01", endDate: "2026-10-21",
      windowDays: null, metrics: [catalog.metrics.get("aov")!], catalog, covariateLookbackDays: 14, segments: [], segmentLimit: 8,
    };
    const variants = [{ key: "control", weight: 1 }, { key: "addons", weight: 1 }];
    const run = await executePlan(prepareAnalysis(plan, wh.dialect), wh, { variants, control: "control" });
    const exp = {
      id: "checkout-upsell", name: "x", hypothesis: "", owner: "", status: "stopped", startDate: plan.startDate, endDate: plan.endDate, controlVariant: "control",
      variants: variants.map((v, position) => ({ ...v, id: position, experimentId: "checkout-upsell", name: v.key, position })),
      metrics: [{ id: 1, experimentId: "checkout-upsell", metricKey: "aov", role: "primary", position: 0 }],
    };
    const doc = resultsFromStats(exp, run.stats, { snapshot: null, lastFailure: null }, { ...DEFAULT_VIEW, cuped: true });
    const shown = doc.metrics[0]!;
    expect(shown.statistic).toBe("ratio");
    expect(doc.warnings.filter((w) => w.includes("aov"))).toEqual([]); // no CUPED warning: ratios are sent without a covariate

    const { users } = cohortOf(plan, world);
    const values = perUserValues(plan, world, users, declarativeParts(plan));
    const arm = (variant: string) =>
      deltaMethod(users.filter((u) => u.variant === variant).map((u) => [values.get(u.id)!.get("order_revenue")!.value, values.get(u.id)!.get("orders")!.value]));
    const c = arm("control");
    const t = arm("addons");
    const control = shown.variants.find((v) => v.id === "control")!;
    const treatment = shown.variants.find((v) => v.id === "addons")!;
    expect(control.mean).toBeCloseTo(c.ratio, 9);
    expect(treatment.mean).toBeCloseTo(t.ratio, 9);
    const diff = t.ratio - c.ratio;
    const se = Math.sqrt(c.variance + t.variance);
    expect(treatment.absolute!.estimate).toBeCloseTo(diff, 9);
    // Welch's t with thousands of degrees of freedom: the multiplier is 1.96 to within 0.2%
    const halfWidth = (treatment.absolute!.ciHigh! - treatment.absolute!.ciLow!) / 2;
    expect(Math.abs(halfWidth / (1.959964 * se) - 1)).toBeLessThan(0.002);
    expect(users.length).toBeGreaterThan(10000);
  });
});
