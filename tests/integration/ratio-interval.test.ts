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
  await env.cleanup();
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
    const doc = resultsFromStats(exp, run.stats, { snapshot: null, lastFailure: null }, { ...DEFAULT_VIEW, cuped: false });
    const shown = doc.metrics[0]!;
    expect(shown.statistic).toBe("ratio");
    expect(doc.warnings.filter((w) => w.includes("aov"))).toEqual([]);
    expect(shown.variants.find((v) => v.id === "addons")!.cuped).toBe(false);

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

    // CUPED on (the default view): the same users' pre-exposure revenue and orders as the covariate.
    // Here by linearised per-user values: e = (y − R·z)/z̄, f = (x − P·w)/w̄ (Deng, Knoblich & Lu 2018),
    // θ = Σef/Σf² over both arms pooled, each arm R − θ(P − P_pooled) with variance var(e − θf)/n.
    const cuped = resultsFromStats(exp, run.stats, { snapshot: null, lastFailure: null }, { ...DEFAULT_VIEW, cuped: true });
    expect(cuped.warnings.filter((w) => w.includes("aov"))).toEqual([]);
    const adjusted = cuped.metrics[0]!.variants.find((v) => v.id === "addons")!;
    expect(adjusted.cuped).toBe(true);
    type P4 = { y: number; z: number; x: number; w: number };
    const perUser = (u: (typeof users)[number]): P4 => {
      const r = values.get(u.id)!.get("order_revenue")!;
      const o = values.get(u.id)!.get("orders")!;
      return { y: r.value, z: o.value, x: r.preValue, w: o.preValue };
    };
    const linearise = (ps: P4[]) => {
      const sum = (f: (p: P4) => number) => ps.reduce((a, p) => a + f(p), 0);
      const R = sum((p) => p.y) / sum((p) => p.z);
      const P = sum((p) => p.x) / sum((p) => p.w);
      const zBar = sum((p) => p.z) / ps.length;
      const wBar = sum((p) => p.w) / ps.length;
      return { R, P, e: ps.map((p) => (p.y - R * p.z) / zBar), f: ps.map((p) => (p.x - P * p.w) / wBar) };
    };
    const pooled = linearise(users.map(perUser));
    const theta = pooled.e.reduce((a, e, i) => a + e * pooled.f[i]!, 0) / pooled.f.reduce((a, f) => a + f * f, 0);
    expect(theta).toBeGreaterThan(0.2); // users' order values before and after exposure are related in the demo
    const adjustedArm = (variant: string) => {
      const l = linearise(users.filter((u) => u.variant === variant).map(perUser));
      const v = l.e.map((e, i) => e - theta * l.f[i]!);
      const mean = v.reduce((a, x) => a + x, 0) / v.length;
      return { estimate: l.R - theta * (l.P - pooled.P), variance: v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1) / v.length };
    };
    const ca = adjustedArm("control");
    const ta = adjustedArm("addons");
    expect(adjusted.mean).toBeCloseTo(t.ratio, 9); // the raw ratio is still what is shown per variant
    expect(adjusted.absolute!.estimate).toBeCloseTo(ta.estimate - ca.estimate, 9);
    const seAdjusted = Math.sqrt(ca.variance + ta.variance);
    const adjustedHalf = (adjusted.absolute!.ciHigh! - adjusted.absolute!.ciLow!) / 2;
    expect(Math.abs(adjustedHalf / (1.959964 * seAdjusted) - 1)).toBeLessThan(0.002);
    const narrower = adjustedHalf / halfWidth;
    console.log(
      `[ratio-interval] checkout-upsell aov: θ = ${theta.toFixed(4)}; difference ${diff.toFixed(3)} ± ${halfWidth.toFixed(3)} unadjusted, ` +
        `${adjusted.absolute!.estimate!.toFixed(3)} ± ${adjustedHalf.toFixed(3)} with CUPED (width × ${narrower.toFixed(3)})`,
    );
    expect(narrower).toBeLessThan(0.97);
  });
});
