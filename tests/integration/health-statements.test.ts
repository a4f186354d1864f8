import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisPlan } from "@/lib/analysis/analysis-plan";
import type { MetricCatalog } from "@/lib/metrics/catalog";
import type { Row } from "@/lib/warehouse/types";
import { close, cohortOf, DAY, declarativeParts, expectedSums, ms, perUserValues, type World } from "../support/brute-force";
import { repoCatalogWith } from "../support/test-catalog";
import { useTempEnvironment } from "../support/temp-env";

// The health section's warehouse statements against brute force computed here from the raw
// tables: traffic per day and variant, the exposure preview of the experiment form, and the
// placebo split the aggregates statement groups by.

const env = useTempEnvironment("health-statements");
let wh: import("@/lib/warehouse/duckdb").DuckDbWarehouse;
let world: World;
let catalog: MetricCatalog;

beforeAll(async () => {
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  await seedWarehouse(env.warehouse, { users: 4000, days: 28, seed: 11 });
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  wh = await DuckDbWarehouse.open({ path: env.warehouse });
  const all = async (sql: string) => (await wh.query(sql)).rows;
  world = {
    exposures: await all("SELECT user_id, experiment_id, variant, exposed_at, event_date, platform, country FROM exposures"),
    users: await all("SELECT user_id, CAST(signup_date AS VARCHAR) AS signup_date FROM users"),
    sources: {
      events: await all("SELECT user_id, event_name, event_time, event_date, value FROM events"),
      orders: await all("SELECT user_id, ordered_at, order_date, amount, coupon, platform FROM orders"),
    },
  };
  catalog = await repoCatalogWith([]);
});
afterAll(async () => {
  await wh?.close();
  await env.cleanup();
});

function plan(overrides: Partial<AnalysisPlan> = {}): AnalysisPlan {
  return {
    experimentKey: "onboarding-three-arm",
    exposureTable: "exposures",
    variants: ["control", "short", "gamified"],
    startDate: "2026-10-01",
    endDate: "2026-10-28",
    windowDays: null,
    metrics: ["signups", "sessions", "aov"].map((k) => catalog.metrics.get(k)!),
    catalog,
    covariateLookbackDays: 14,
    segments: [],
    segmentLimit: 8,
    ...overrides,
  };
}

describe("traffic statement", () => {
  const cases: [string, Partial<AnalysisPlan>][] = [
    ["whole study", {}],
    ["a later window, two of three variants", { startDate: "2026-10-05", endDate: "2026-10-12", variants: ["control", "gamified"] }],
  ];
  for (const [name, overrides] of cases) {
    it(`users first exposed per calendar day and variant equal the brute force (${name})`, async () => {
      const { buildTraffic } = await import("@/lib/analysis/statements/traffic");
      const p = plan(overrides);
      const st = buildTraffic(p, wh.dialect);
      const { rows } = await wh.query(st.sql, st.params);
      const traffic = st.decode(rows);
      const { users } = cohortOf(p, world);
      const start = ms(`${p.startDate}T00:00:00Z`);
      const expected = new Map<string, number>();
      for (const u of users) {
        const key = `${Math.floor((u.first - start) / DAY)}/${u.variant}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const got = new Map<string, number>();
      for (const point of traffic.points) for (const [v, n] of Object.entries(point.users)) got.set(`${point.x}/${v}`, n);
      expect(got).toEqual(expected);
      expect(traffic.points.length).toBeGreaterThan(3);
      expect(rows.length).toBeLessThanOrEqual(traffic.days * p.variants.length); // days × variants, never per user
      expect([...got.values()].reduce((a, n) => a + n, 0)).toBe(users.length);
    });
  }
});

describe("exposure preview statement", () => {
  async function preview(experimentKey: string, startDate: string, endDate: string) {
    const { buildExposurePreview } = await import("@/lib/analysis/statements/exposure-preview");
    const st = buildExposurePreview({ exposureTable: "exposures", experimentKey, startDate, endDate }, wh.dialect);
    expect(st.sql).not.toMatch(/'[^']*'/); // every value bound
    return st.decode((await wh.query(st.sql, st.params)).rows);
  }

  function bruteForce(key: string, startDate: string, endDate: string) {
    const rows = world.exposures.filter((e) => e.experiment_id === key && String(e.event_date).slice(0, 10) >= startDate && String(e.event_date).slice(0, 10) <= endDate);
    const byVariant = new Map<string, { users: Set<string>; exposures: number }>();
    for (const r of rows) {
      const v = byVariant.get(String(r.variant)) ?? { users: new Set<string>(), exposures: 0 };
      v.users.add(String(r.user_id));
      v.exposures++;
      byVariant.set(String(r.variant), v);
    }
    return byVariant;
  }

  it("exposed users and exposure rows per logged variant for the key and dates", async () => {
    for (const [key, from, to] of [
      ["onboarding-three-arm", "2026-10-01", "2026-10-28"],
      ["checkout-redesign", "2026-10-03", "2026-10-04"],
    ] as const) {
      const got = await preview(key, from, to);
      const want = bruteForce(key, from, to);
      expect(got.truncated).toBe(false);
      expect(new Set(got.variants.map((v) => v.variant))).toEqual(new Set(want.keys()));
      for (const v of got.variants) {
        expect(v.users, `${key} ${v.variant}`).toBe(want.get(v.variant!)!.users.size);
        expect(v.exposures, `${key} ${v.variant}`).toBe(want.get(v.variant!)!.exposures);
      }
      // most users first
      expect(got.variants.map((v) => v.users)).toEqual([...got.variants.map((v) => v.users)].sort((a, b) => b - a));
    }
  });

  it("a key or dates with nothing logged give an empty list, not zeros per planned variant", async () => {
    expect((await preview("new-experiment", "2026-10-01", "2026-10-28")).variants).toEqual([]);
    expect((await preview("checkout-redesign", "2027-01-01", "2027-01-31")).variants).toEqual([]);
  });
});

describe("placebo split in the aggregates statement", () => {
  it("splits every variant by a salted hash of the user id; each control half equals the brute force over its users", async () => {
    const { buildAggregates } = await import("@/lib/analysis/statements/aggregates");
    const p = plan();
    const st = buildAggregates(p, wh.dialect);
    expect(st.params.placebo_salt).toBe("placebo:onboarding-three-arm:");
    const result = st.decode((await wh.query(st.sql, st.params)).rows);
    // the half of each user, as the specification says: hash(salt || user_id) % 2 (DuckDB's hash)
    const halves = new Map(
      (await wh.query(`SELECT DISTINCT user_id, CAST(hash($salt || user_id) % 2 AS INTEGER) AS half FROM exposures WHERE experiment_id = $key`, { salt: st.params.placebo_salt as string, key: p.experimentKey })).rows.map(
        (r: Row) => [Number(r.user_id), Number(r.half)],
      ),
    );
    const { users } = cohortOf(p, world);
    const values = perUserValues(p, world, users, declarativeParts(p));
    for (const variant of p.variants) {
      const mine = users.filter((u) => u.variant === variant);
      for (const half of [0, 1] as const) {
        const cell = result.cells.find((c) => c.variant === variant && c.half === half)!;
        const inHalf = (u: { id: number; variant: string }) => u.variant === variant && halves.get(u.id) === half;
        const expected = expectedSums(p, users, values, inHalf).get(variant)!;
        expect(cell.users, `${variant} half ${half}`).toBe(expected.users);
        for (const m of p.metrics) {
          const got = cell.metrics[m.key] as unknown as Record<string, number>;
          for (const [field, want] of Object.entries(expected.metrics[m.key]!)) {
            if (field.startsWith("x")) continue; // means' covariates: checked by the aggregation test
            // a ratio's covariate sums are per half too (its CUPED in the placebo A/A reads them)
            const actual = field.startsWith("covariate.") ? (got.covariate as unknown as Record<string, number> | undefined)?.[field.slice("covariate.".length)] : got[field];
            expect(close(actual, want), `${variant} half ${half} ${m.key}.${field}`).toBe(true);
          }
        }
      }
      // halves of about equal size (binomial: within 4 standard deviations)
      const a = mine.filter((u) => halves.get(u.id) === 0).length;
      expect(Math.abs(a - mine.length / 2)).toBeLessThan(4 * Math.sqrt(mine.length / 4));
    }
  });

  it("another experiment key is another split of the same users", async () => {
    const { buildAggregates } = await import("@/lib/analysis/statements/aggregates");
    const a = buildAggregates(plan(), wh.dialect).params.placebo_salt;
    const b = buildAggregates(plan({ experimentKey: "checkout-redesign" }), wh.dialect).params.placebo_salt;
    expect(a).not.toBe(b);
    const overlap = await wh.query(
      `SELECT AVG(CASE WHEN hash($a || user_id) % 2 = hash($b || user_id) % 2 THEN 1.0 ELSE 0.0 END) AS same FROM users`,
      { a: a as string, b: b as string },
    );
    expect(Number(overlap.rows[0]!.same)).toBeGreaterThan(0.45);
    expect(Number(overlap.rows[0]!.same)).toBeLessThan(0.55);
  });

  it("merged into each slice: the control's halves add up to the control", async () => {
    const { buildAggregates } = await import("@/lib/analysis/statements/aggregates");
    const { mergeResults } = await import("@/lib/analysis/sufficient-stats");
    const p = plan({ segments: ["platform", "user_type"] });
    const st = buildAggregates(p, wh.dialect);
    const stats = mergeResults({
      metrics: p.metrics,
      variants: p.variants.map((key) => ({ key, weight: 1 })),
      control: "control",
      segments: p.segments,
      covariates: true,
      aggregates: st.decode((await wh.query(st.sql, st.params)).rows),
      quantiles: [],
    });
    for (const slice of stats.slices) {
      expect(slice.placebo!.users.a + slice.placebo!.users.b, slice.id).toBe(slice.users.control);
      for (const m of slice.placebo!.metrics) {
        const whole = slice.metrics.find((x) => x.key === m.key)!.data.control as unknown as Record<string, number>;
        const a = m.data.a as unknown as Record<string, number>;
        const b = m.data.b as unknown as Record<string, number>;
        expect(close(a.sum! + b.sum!, whole.sum), `${slice.id} ${m.key}`).toBe(true);
        expect(close(a.n! + b.n!, whole.n), `${slice.id} ${m.key}`).toBe(true);
      }
    }
    expect(stats.slices[0]!.placebo!.metrics.map((m) => m.key)).toEqual(["signups", "sessions", "aov"]);
  });
});
