import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import { useTempEnvironment } from "../support/temp-env";

// The whole pipeline on the default demo data set (200k users): seed → analyse → results.
// Each experiment's planted effect must be recovered: a CI that excludes 0 and contains the truth.

const env = useTempEnvironment("recovery");
const docs = new Map<string, ResultsDocument>();
const stats = new Map<string, import("@/lib/analysis/sufficient-stats").SufficientStats>();

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  const { DEFAULT_SEED, DEMO_EXPERIMENTS } = await import("@/lib/demo/plan");
  const { runAnalysis } = await import("@/lib/analysis/run-analysis");
  const { getExperiment } = await import("@/lib/analysis/experiments");
  const { loadResultsDocument } = await import("@/lib/analysis/results-document");
  await migrate();
  await seedWarehouse(env.warehouse, DEFAULT_SEED);
  await registerDemoExperiments(DEFAULT_SEED.days);
  for (const e of DEMO_EXPERIMENTS) {
    const s = await runAnalysis(e.id);
    expect(s.status, s.error ?? "").toBe("succeeded");
    docs.set(e.id, await loadResultsDocument((await getExperiment(e.id))!));
    stats.set(e.id, JSON.parse(s.sufficientStats!));
  }
}, 300_000);
afterAll(() => env.cleanup());

function lift(id: string, metric: string, variant: string) {
  const m = docs.get(id)!.metrics.find((x) => x.key === metric)!;
  const v = m.variants.find((x) => x.id === variant)!;
  return { est: v.relative!.estimate!, lo: v.relative!.ciLow!, hi: v.relative!.ciHigh!, p: v.pValue! };
}

/** The planted value lies within the 99.9% interval (z = 3.29): with this many checks, 95% would miss one by chance. */
function consistentWith(l: { est: number; lo: number; hi: number }, truth: number) {
  const se = (l.hi - l.lo) / (2 * 1.959964);
  expect(Math.abs(l.est - truth) / se, `estimate ${l.est} vs planted ${truth}`).toBeLessThan(3.29);
}

describe("the seeded demo recovers what was planted", () => {
  it("winner: purchase conversion +8% — CI excludes 0 and contains 8%", () => {
    const l = lift("checkout-redesign", "purchases", "treatment");
    expect(l.lo).toBeGreaterThan(0);
    expect(l.lo).toBeLessThan(0.08);
    expect(l.hi).toBeGreaterThan(0.08);
    expect(l.p).toBeLessThan(0.05);
  });

  it("A/A: the primary metric's 95% CI contains 0, and every metric is consistent with no effect", () => {
    const primary = lift("button-color-aa", "purchases", "treatment");
    expect(primary.lo).toBeLessThan(0);
    expect(primary.hi).toBeGreaterThan(0);
    for (const m of docs.get("button-color-aa")!.metrics) consistentWith(lift("button-color-aa", m.key, "treatment"), 0);
  });

  it("guardrail loser: sessions −5% is caught, feed views +6% recovered", () => {
    const sessions = lift("feed-autoplay", "sessions", "autoplay");
    expect(sessions.hi).toBeLessThan(0);
    consistentWith(sessions, -0.05);
    const feed = lift("feed-autoplay", "feed_views", "autoplay");
    expect(feed.lo).toBeGreaterThan(0);
    consistentWith(feed, 0.06);
  });

  it("three arms: each treatment compared with control, with its own planted lift", () => {
    const short = lift("onboarding-three-arm", "signups", "short");
    const gamified = lift("onboarding-three-arm", "signups", "gamified");
    consistentWith(short, 0.05);
    expect(gamified.lo).toBeGreaterThan(0);
    consistentWith(gamified, 0.1);
    consistentWith(lift("onboarding-three-arm", "shares", "gamified"), 0.1);
    expect(docs.get("onboarding-three-arm")!.users).toHaveLength(3);
  });

  it("order value +6% (add-ons at checkout): the average order value's CI excludes 0 and contains 6%; orders per user do not move", () => {
    const aov = lift("checkout-upsell", "aov", "addons");
    expect(docs.get("checkout-upsell")!.metrics.find((m) => m.key === "aov")!.statistic).toBe("ratio");
    expect(aov.lo).toBeGreaterThan(0);
    expect(aov.lo).toBeLessThan(0.06);
    expect(aov.hi).toBeGreaterThan(0.06);
    consistentWith(lift("checkout-upsell", "order_revenue", "addons"), 0.06);
    consistentWith(lift("checkout-upsell", "orders", "addons"), 0);
  });

  it("order value +6%: the 90th percentile of single orders moves by about 6% too (bracket from the warehouse)", () => {
    const p90 = stats.get("checkout-upsell")!.slices[0]!.metrics.find((m) => m.key === "order_value_p90")!;
    expect(p90.type).toBe("quantile");
    const q = (v: string) => (p90.data[v] as import("@/lib/analysis/sums").QuantileSummary).quantile;
    const [c, t] = [q("control"), q("addons")];
    const se = (x: typeof c) => (x.upper! - x.lower!) / (2 * x.bracketZ);
    const relative = t.estimate! / c.estimate! - 1;
    const seRelative = Math.sqrt(se(c) ** 2 + se(t) ** 2) / c.estimate!;
    expect(Math.abs(relative - 0.06) / seRelative, `p90 ${c.estimate} → ${t.estimate}`).toBeLessThan(3.29);
    expect(relative / seRelative).toBeGreaterThan(1.5); // and it is visibly up
    expect(c.effectiveN!).toBeGreaterThan(1000);
  });

  it("the average order value is CUPED-adjusted (pre-exposure revenue and orders), with a narrower interval than without", async () => {
    const { getExperiment } = await import("@/lib/analysis/experiments");
    const { loadResultsDocument } = await import("@/lib/analysis/results-document");
    const { DEFAULT_VIEW } = await import("@/lib/analysis/stats-request");
    const exp = (await getExperiment("checkout-upsell"))!;
    const row = async (cuped: boolean) =>
      (await loadResultsDocument(exp, { ...DEFAULT_VIEW, cuped })).metrics.find((m) => m.key === "aov")!.variants.find((v) => v.id === "addons")!;
    const [adjusted, plain] = [await row(true), await row(false)];
    expect(adjusted.cuped).toBe(true);
    expect(plain.cuped).toBe(false);
    const width = (v: typeof adjusted) => v.absolute!.ciHigh! - v.absolute!.ciLow!;
    console.log(
      `[demo-recovery] checkout-upsell aov (addons − control): ${plain.absolute!.estimate!.toFixed(3)} [${plain.absolute!.ciLow!.toFixed(3)}, ${plain.absolute!.ciHigh!.toFixed(3)}] unadjusted, ` +
        `${adjusted.absolute!.estimate!.toFixed(3)} [${adjusted.absolute!.ciLow!.toFixed(3)}, ${adjusted.absolute!.ciHigh!.toFixed(3)}] with CUPED (width × ${(width(adjusted) / width(plain)).toFixed(3)})`,
    );
    expect(width(adjusted)).toBeLessThan(0.97 * width(plain));
    consistentWith(lift("checkout-upsell", "aov", "addons"), 0.06);
  });

  it("the demo shows a ratio, a quantile, a retention and an orders metric", async () => {
    const { loadCatalog } = await import("@/lib/metrics/registry");
    const catalog = await loadCatalog();
    const shown = [...docs.values()].flatMap((d) => d.metrics);
    expect(shown.some((m) => m.statistic === "ratio")).toBe(true);
    expect(shown.some((m) => m.statistic === "quantile")).toBe(true);
    expect(shown.some((m) => { const def = catalog.metrics.get(m.key); return def?.kind === "events" && def.window?.fromDay === 7; })).toBe(true);
    expect(shown.some((m) => { const def = catalog.metrics.get(m.key); return def?.kind === "events" && def.source === "orders"; })).toBe(true);
  });

  it("sample ratio mismatch is flagged only for the broken 52/48 split", () => {
    for (const [id, doc] of docs) {
      expect(doc.srm?.mismatch, id).toBe(id === "pricing-banner-srm");
    }
    const users = docs.get("pricing-banner-srm")!.users;
    const share = users[0]!.users / (users[0]!.users + users[1]!.users);
    expect(share).toBeGreaterThan(0.51);
    expect(share).toBeLessThan(0.53);
  });

  it("users seen in two variants are excluded and counted, as many as were planted", async () => {
    const { DEFAULT_SEED, EXPERIMENT_INCLUSION, MULTI_VARIANT_SHARE } = await import("@/lib/demo/plan");
    const expected = DEFAULT_SEED.users * EXPERIMENT_INCLUSION * MULTI_VARIANT_SHARE; // binomial mean
    const sd = Math.sqrt(expected);
    for (const [id, doc] of docs) {
      expect(Math.abs(doc.excludedUsers - expected), `${id}: ${doc.excludedUsers} vs ~${expected}`).toBeLessThan(4 * sd);
      const exposed = doc.users.reduce((a, u) => a + u.users, 0) + doc.excludedUsers;
      expect(Math.abs(exposed - DEFAULT_SEED.users * EXPERIMENT_INCLUSION)).toBeLessThan(4 * Math.sqrt(DEFAULT_SEED.users * 0.24));
    }
  });

  it("no number in any results document is NaN or infinite", () => {
    const json = JSON.stringify([...docs.values()]);
    expect(json).not.toMatch(/NaN|Infinity/);
    const walk = (x: unknown): void => {
      if (typeof x === "number") expect(Number.isFinite(x)).toBe(true);
      else if (x && typeof x === "object") Object.values(x).forEach(walk);
    };
    walk([...docs.values()]);
  });
});
