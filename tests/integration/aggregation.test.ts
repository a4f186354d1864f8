import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisPlan } from "@/lib/analysis/analysis-plan";
import type { MetricCatalog } from "@/lib/metrics/catalog";
import { defineEventMetric, defineRatioMetric, type Definition, type EventMetric } from "@/lib/metrics/define";
import type { Row } from "@/lib/warehouse/types";
import { activeDaysSql } from "../support/active-days-sql";
import {
  close,
  cohortOf,
  DAY,
  declarativeParts,
  eventQuantile,
  eventValues,
  expectedSums,
  ms,
  perUserValues,
  rowsByUser,
  userQuantile,
  type CohortUser,
  type Values,
  type World,
} from "../support/brute-force";
import { repoCatalogWith } from "../support/test-catalog";
import { useTempEnvironment } from "../support/temp-env";

// Every statement must equal a brute-force per-user computation done here in JS from the raw
// tables (tests/support/brute-force.ts), for every metric type: means and proportions (with and
// without CUPED, capped, filtered, windowed), ratios, quantiles of users and of rows, on the
// events log and on the orders source, for the whole population and every segment slice.

const env = useTempEnvironment("aggregation");
let wh: import("@/lib/warehouse/duckdb").DuckDbWarehouse;
let world: World;
let catalog: MetricCatalog;

/** Test-only metrics for what the repository's files do not exercise. */
const extra: Definition[] = [
  defineEventMetric({ key: "sessions_floored", name: "s", statistic: "mean", events: ["session_start"], aggregate: "count",
    capping: { lower: { type: "percentile", value: 0.2 }, upper: { type: "absolute", value: 9 } } }),
  defineEventMetric({ key: "revenue_clamped", name: "r", statistic: "mean", events: ["purchase"], aggregate: "sum",
    capping: { lower: { type: "absolute", value: 5 }, upper: { type: "percentile", value: 0.9 } } }),
  // conversion window with a delay, in hours
  defineEventMetric({ key: "cart_within_72h", name: "c", statistic: "proportion", events: ["add_to_cart"], aggregate: "count", window: { fromHours: 1, toHours: 73 } }),
  // a window without an end: only the delay
  defineEventMetric({ key: "searches_after_day_2", name: "s2", statistic: "mean", events: ["search"], aggregate: "count", window: { fromDay: 2 } }),
  // distinct days inside a window
  defineEventMetric({ key: "active_days_week_1", name: "a1", statistic: "mean", events: ["session_start", "feed_view"], aggregate: "days", window: { fromDay: 0, toDay: 7 } }),
  // filters on the orders source: in, not in, !=, <, is not null; a capped sum
  defineEventMetric({ key: "coupon_orders", name: "co", statistic: "mean", source: "orders", aggregate: "count",
    where: [{ column: "coupon", op: "in", value: ["WELCOME10", "SPRING5"] }] }),
  defineEventMetric({ key: "small_ios_orders", name: "si", statistic: "proportion", source: "orders", aggregate: "count",
    where: [{ column: "platform", op: "=", value: "ios" }, { column: "amount", op: "<", value: 30 }] }),
  defineEventMetric({ key: "non_welcome_revenue", name: "nw", statistic: "mean", source: "orders", aggregate: "sum", column: "amount",
    where: [{ column: "coupon", op: "!=", value: "WELCOME10" }, { column: "platform", op: "not in", value: ["web"] }],
    capping: { upper: { type: "percentile", value: 0.95 } } }),
  defineEventMetric({ key: "order_days", name: "od", statistic: "mean", source: "orders", aggregate: "days", window: { toDay: 10 } }),
  // ratios: across sources, and with a windowed part
  defineRatioMetric({ key: "order_revenue_per_session", name: "rps", numerator: "order_revenue", denominator: "sessions" }),
  defineRatioMetric({ key: "carts_per_retained", name: "cpr", numerator: "add_to_cart", denominator: "d7_retained" }),
  // quantiles: of users (with zeros, without), of rows (events and orders, windowed)
  defineEventMetric({ key: "sessions_p50", name: "q1", statistic: "quantile", quantile: 0.5, events: ["session_start"], aggregate: "count" }),
  defineEventMetric({ key: "revenue_p90_buyers", name: "q2", statistic: "quantile", quantile: 0.9, events: ["purchase"], aggregate: "sum", ignoreZeros: true }),
  defineEventMetric({ key: "purchase_value_p50", name: "q3", statistic: "quantile", quantile: 0.5, level: "event", events: ["purchase"], aggregate: "sum" }),
  defineEventMetric({ key: "order_value_p90_week", name: "q4", statistic: "quantile", quantile: 0.9, level: "event", source: "orders", aggregate: "sum",
    column: "amount", window: { toDay: 7 } }),
];

beforeAll(async () => {
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  await seedWarehouse(env.warehouse, { users: 4000, days: 28, seed: 7 });
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
  catalog = await repoCatalogWith([activeDaysSql, ...extra]);
});
afterAll(async () => {
  await wh?.close();
  await env.cleanup();
});

function planOf(keys: string[], overrides: Partial<AnalysisPlan> = {}): AnalysisPlan {
  return {
    experimentKey: "onboarding-three-arm",
    exposureTable: "exposures",
    variants: ["control", "short", "gamified"],
    startDate: "2026-10-01",
    endDate: "2026-10-28",
    windowDays: null,
    metrics: keys.map((k) => catalog.metrics.get(k)!),
    catalog,
    covariateLookbackDays: 14,
    segments: [],
    segmentLimit: 8,
    ...overrides,
  };
}

/** The free-SQL active_days_sql by hand: distinct days with any event, per user. */
function addActiveDaysSql(plan: AnalysisPlan, users: CohortUser[], values: Values): void {
  if (!plan.metrics.some((m) => m.key === "active_days_sql")) return;
  const byUser = rowsByUser(world, catalog.sources.get("events")!);
  for (const u of users) {
    const evs = byUser.get(u.id) ?? [];
    const days = (from: number, to: number) => new Set(evs.filter((e) => ms(e.event_time) >= from && ms(e.event_time) < to).map((e) => String(e.event_date).slice(0, 10))).size;
    const value = days(u.first, u.windowEnd);
    const pre = days(u.first - plan.covariateLookbackDays * DAY, u.first);
    values.get(u.id)!.set("active_days_sql", { value, hit: value > 0 ? 1 : 0, preValue: pre, preHit: pre > 0 ? 1 : 0, eligible: 1 });
  }
}

async function runAggregates(plan: AnalysisPlan) {
  const { buildAggregates } = await import("@/lib/analysis/statements/aggregates");
  const s = buildAggregates(plan, wh.dialect);
  const { rows } = await wh.query(s.sql, s.params);
  return { rows, result: s.decode(rows) };
}

/** The cells of each variant added up (a variant's cells differ by segment values and placebo half). */
async function perVariant(cells: import("@/lib/analysis/statements/aggregates").AggregateCell[]) {
  const { addMean, addRatio } = await import("@/lib/analysis/sums");
  const out = new Map<string, { variant: string; users: number; metrics: Record<string, import("@/lib/analysis/statements/aggregates").CellMetric> }>();
  for (const c of cells) {
    const into = out.get(c.variant) ?? { variant: c.variant, users: 0, metrics: {} };
    into.users += c.users;
    for (const [key, m] of Object.entries(c.metrics)) {
      const prev = into.metrics[key];
      if (!prev) into.metrics[key] = m;
      else if (prev.type === "ratio" && m.type === "ratio") into.metrics[key] = { type: "ratio", ...addRatio(prev, m) };
      else if (prev.type !== "ratio" && m.type !== "ratio") into.metrics[key] = { type: prev.type, ...addMean(prev, m) };
    }
    out.set(c.variant, into);
  }
  return [...out.values()];
}

function bruteForce(plan: AnalysisPlan) {
  const { users, excluded } = cohortOf(plan, world);
  const values = perUserValues(plan, world, users, declarativeParts(plan));
  addActiveDaysSql(plan, users, values);
  return { users, excluded, values };
}

const repoKeys = () =>
  [...catalog.metrics.values()]
    .filter((m) => !(m.kind === "events" && m.statistic === "quantile") && m.key !== activeDaysSql.key && !extra.some((e) => e.key === m.key))
    .map((m) => m.key);
const extraKeys = () => extra.filter((m) => m.kind !== "source" && !(m.kind === "events" && m.statistic === "quantile")).map((m) => m.key);

describe("aggregates in the warehouse equal a brute-force per-user computation", () => {
  const cases: [string, Partial<AnalysisPlan>][] = [
    ["whole window, with covariates", { windowDays: null, covariateLookbackDays: 14 }],
    ["7-day window per user, short lookback", { windowDays: 7, covariateLookbackDays: 3 }],
    ["no CUPED", { windowDays: null, covariateLookbackDays: 0 }],
    ["60-day lookback: distinct-day bitmasks span two words", { windowDays: null, covariateLookbackDays: 60 }],
  ];
  for (const [name, overrides] of cases) {
    it(`every mean, proportion and ratio metric (${name})`, async () => {
      const plan = planOf([...repoKeys(), "active_days_sql", ...extraKeys()], overrides);
      const { rows, result } = await runAggregates(plan);
      const { users, excluded, values } = bruteForce(plan);
      const expected = expectedSums(plan, users, values);
      expect(rows).toHaveLength(6); // O(variants × placebo halves) rows, never per user
      expect(excluded).toBeGreaterThan(0);
      expect(result.excludedUsers).toBe(excluded);
      let nonZero = 0;
      let nonZeroCovariate = 0;
      for (const cell of await perVariant(result.cells)) {
        const e = expected.get(cell.variant)!;
        expect(cell.users).toBe(e.users);
        for (const m of plan.metrics) {
          const got = cell.metrics[m.key] as unknown as Record<string, unknown>;
          const want = e.metrics[m.key]!;
          const fields = m.kind === "ratio" ? ["n", "sum", "sumSquares", "denominatorSum", "denominatorSumSquares", "sumProduct"] : ["n", "sum", "sumSquares"];
          for (const f of fields) {
            expect(close(got[f] as number, want[f]), `${cell.variant} ${m.key}.${f}: ${String(got[f])} vs ${want[f]}`).toBe(true);
            if (want[f] !== 0) nonZero++;
          }
          if (m.kind === "ratio") {
            const cov = got.covariate as Record<string, number> | undefined;
            if (plan.covariateLookbackDays === 0) {
              expect(cov, `${m.key}: no covariate without CUPED`).toBeUndefined();
              continue;
            }
            const covFields = Object.keys(want).filter((f) => f.startsWith("covariate."));
            expect(covFields).toHaveLength(9);
            for (const f of covFields) {
              const field = f.slice("covariate.".length);
              expect(close(cov?.[field], want[f]), `${cell.variant} ${m.key}.${f}: ${String(cov?.[field])} vs ${want[f]}`).toBe(true);
              if (want[f] !== 0) nonZeroCovariate++;
            }
            continue;
          }
          const cov = got.covariate as { sum: number; sumSquares: number; sumProduct: number } | undefined;
          if (plan.covariateLookbackDays === 0) {
            expect(cov, `${m.key}: no covariate without CUPED`).toBeUndefined();
            continue;
          }
          expect(close(cov?.sum, want.xsum), `${cell.variant} ${m.key} Σx`).toBe(true);
          expect(close(cov?.sumSquares, want.xsumsq), `${cell.variant} ${m.key} Σx²`).toBe(true);
          expect(close(cov?.sumProduct, want.xysum), `${cell.variant} ${m.key} Σxy`).toBe(true);
        }
      }
      expect(nonZero).toBeGreaterThan(plan.metrics.length * 3); // the comparison is not of zeros
      // ratios' pre-exposure sums are compared too, and not as zeros
      if (plan.covariateLookbackDays > 0) expect(nonZeroCovariate).toBeGreaterThan(3 * 9);
    });
  }

  it("a windowed metric leaves out users whose window has not ended", async () => {
    const plan = planOf(["d7_retained", "cart_within_72h", "sessions"]);
    const { result } = await runAggregates(plan);
    const { users } = bruteForce(plan);
    const total = (key: string) => result.cells.reduce((a, c) => a + c.metrics[key]!.n, 0);
    expect(total("sessions")).toBe(users.length);
    // exposed within 14 days of the end: their days 7–13 are not all observed
    const eligible = users.filter((u) => u.first + 14 * DAY <= u.windowEnd).length;
    expect(eligible).toBeGreaterThan(0);
    expect(eligible).toBeLessThan(users.length);
    expect(total("d7_retained")).toBe(eligible);
    expect(total("cart_within_72h")).toBe(users.filter((u) => u.first + 73 * 3_600_000 <= u.windowEnd).length);
  });

  it("segments: every slice equals the brute force for that slice, capped to the top N values + other", async () => {
    const { mergeResults } = await import("@/lib/analysis/sufficient-stats");
    const plan = planOf(["purchases", "revenue", "sessions_floored", "aov", "order_revenue_per_session", "d7_retained", "coupon_orders", "active_days_sql"], {
      experimentKey: "checkout-redesign",
      variants: ["control", "treatment"],
      segments: ["platform", "country", "user_type"],
      segmentLimit: 3,
    });
    // some users came back on another device: their first exposure's platform is not the smallest one
    const switched = await wh.query(
      `SELECT COUNT(*) AS n FROM (SELECT user_id FROM exposures WHERE experiment_id = 'checkout-redesign' GROUP BY user_id HAVING arg_min(platform, exposed_at) <> MIN(platform))`,
    );
    expect(Number(switched.rows[0]!.n)).toBeGreaterThan(0);
    const { rows, result } = await runAggregates(plan);
    // one row per variant × combination of segment values, each dimension capped: at most 2 × 3 × 4 × 3 here
    expect(rows.length).toBeLessThanOrEqual(2 * 4 * 4 * 3);
    const stats = mergeResults({
      metrics: plan.metrics, variants: [{ key: "control", weight: 1 }, { key: "treatment", weight: 1 }], control: "control",
      segments: plan.segments, covariates: true, aggregates: result, quantiles: [],
    });
    const { users, values } = bruteForce(plan);
    expect(stats.slices.filter((sl) => sl.dimension === "country").map((sl) => sl.value)).toContain("other");
    expect(stats.slices.filter((sl) => sl.dimension === "user_type").map((sl) => sl.value).sort()).toEqual(["existing", "new"]);
    let checked = 0;
    for (const slice of stats.slices) {
      const expected = expectedSums(plan, users, values, (u) => slice.dimension === "all" || u.segments[slice.dimension] === slice.value);
      for (const variant of ["control", "treatment"]) {
        const e = expected.get(variant)!;
        expect(slice.users[variant], `${slice.id} ${variant} users`).toBe(e.users);
        for (const m of slice.metrics) {
          const got = m.data[variant] as unknown as Record<string, number>;
          for (const [field, want] of Object.entries(e.metrics[m.key]!)) {
            const covariate = got.covariate as unknown as Record<string, number> | undefined;
            const actual = field.startsWith("covariate.")
              ? covariate?.[field.slice("covariate.".length)]
              : field.startsWith("x")
                ? covariate?.[{ xsum: "sum", xsumsq: "sumSquares", xysum: "sumProduct" }[field]!]
                : got[field];
            expect(close(actual, want), `${slice.id} ${variant} ${m.key}.${field}: ${actual} vs ${want}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("excludes users seen in more than one variant, and counts them", async () => {
    const plan = planOf(["purchases"], { experimentKey: "checkout-redesign", variants: ["control", "treatment"], covariateLookbackDays: 0 });
    const multi = await wh.query(
      `SELECT COUNT(*) AS n FROM (SELECT user_id FROM exposures WHERE experiment_id = 'checkout-redesign' GROUP BY user_id HAVING COUNT(DISTINCT variant) > 1)`,
    );
    const all = await wh.query(`SELECT COUNT(DISTINCT user_id) AS n FROM exposures WHERE experiment_id = 'checkout-redesign'`);
    const { result } = await runAggregates(plan);
    const users = result.cells.reduce((a, c) => a + c.users, 0);
    expect(Number(multi.rows[0]!.n)).toBeGreaterThan(0);
    expect(result.excludedUsers).toBe(Number(multi.rows[0]!.n));
    expect(users).toBe(Number(all.rows[0]!.n) - Number(multi.rows[0]!.n));
  });

  it("binds every value as a parameter: no dates, ids, event names, filters or windows inlined in the SQL", async () => {
    const { analysisStatements, statementList } = await import("@/lib/analysis/statements");
    const plan = planOf([...repoKeys(), ...extraKeys(), "sessions_p50", "order_value_p90_week"], {
      experimentKey: "checkout-redesign", variants: ["control", "treatment"], windowDays: 9, segments: ["platform", "country", "user_type"], segmentLimit: 3,
    });
    for (const s of statementList(analysisStatements(plan, wh.dialect))) {
      expect(s.sql, s.name).not.toMatch(/'[^']*'/); // no string literals at all
      expect(s.sql, s.name).not.toMatch(/\d{4}-\d{2}-\d{2}/); // no inlined dates
      expect(s.sql, s.name).not.toMatch(/\b(9|14|72|73|168|336)\b/); // window, lookback and metric windows are parameters too
    }
    const params = statementList(analysisStatements(plan, wh.dialect)).flatMap((s) => Object.values(s.params));
    expect(params).toEqual(expect.arrayContaining(["checkout-redesign", "2026-10-01", "purchase", "WELCOME10", "ios", 30, 9, 14, 73, 168, 336]));
  });
});

describe("quantiles in the warehouse equal a brute force, per variant and slice", () => {
  const cases: [string, string[]][] = [
    ["user-level, zeros in", ["sessions_p50"]],
    ["user-level, zeros out", ["revenue_p90_buyers"]],
    ["event-level on events", ["purchase_value_p50"]],
    ["event-level on orders, windowed", ["order_value_p90_week"]],
    ["event-level on orders (the demo's p90)", ["order_value_p90"]],
  ];
  for (const [name, keys] of cases) {
    it(name, async () => {
      const { buildQuantile, BRACKET_Z } = await import("@/lib/analysis/statements/quantile");
      const plan = planOf(keys, { experimentKey: "checkout-redesign", variants: ["control", "treatment"], segments: ["platform", "user_type"], segmentLimit: 2 });
      const m = plan.metrics[0] as EventMetric;
      const s = buildQuantile(m, plan, wh.dialect);
      const { rows } = await wh.query(s.sql, s.params);
      const result = s.decode(rows);
      // variants × slices rows, never per user: (all + 3 platforms + 2 user types) × 2 at most
      expect(rows.length).toBeLessThanOrEqual(2 * (1 + 3 + 3));
      const { users } = cohortOf(plan, world);
      const source = catalog.sources.get(m.source ?? "events")!;
      const byUser = rowsByUser(world, source);
      const values = perUserValues(plan, world, users, [m]);
      const slices = ["all", ...users.map((u) => `platform:${u.segments.platform}`), ...users.map((u) => `user_type:${u.segments.user_type}`)];
      let compared = 0;
      for (const sliceId of new Set(slices)) {
        const [dim, value] = sliceId === "all" ? ["all", "all"] : sliceId.split(":");
        for (const variant of plan.variants) {
          const members = users.filter((u) => u.variant === variant && (dim === "all" || u.segments[dim!] === value));
          let want;
          if (m.level === "event") {
            const perUser = members.map((u) => eventValues(m, source, u, byUser.get(u.id) ?? [])).filter((vs) => vs.length > 0);
            if (perUser.length === 0) continue;
            want = eventQuantile(perUser, m.quantile!, BRACKET_Z);
          } else {
            const vs = members.filter((u) => values.get(u.id)!.get(m.key)!.eligible === 1).map((u) => values.get(u.id)!.get(m.key)!.value).filter((v) => !m.ignoreZeros || v !== 0);
            if (vs.length === 0) continue;
            want = userQuantile(vs, m.quantile!, BRACKET_Z);
          }
          const got = result.slices[sliceId]?.[variant];
          const at = `${m.key} ${sliceId} ${variant}`;
          expect(got, at).toBeDefined();
          expect(got!.n, `${at} n`).toBe(want.n);
          expect(got!.users, `${at} users`).toBe(want.users);
          expect(got!.quantile.level).toBe(m.quantile);
          expect(got!.quantile.bracketZ).toBe(1.96);
          expect(close(got!.quantile.estimate, want.estimate), `${at} estimate ${got!.quantile.estimate} vs ${want.estimate}`).toBe(true);
          expect(close(got!.quantile.effectiveN, want.effectiveN, 1e-6), `${at} n* ${got!.quantile.effectiveN} vs ${want.effectiveN}`).toBe(true);
          expect(close(got!.quantile.lower, want.lower), `${at} lower ${got!.quantile.lower} vs ${want.lower}`).toBe(true);
          expect(close(got!.quantile.upper, want.upper), `${at} upper ${got!.quantile.upper} vs ${want.upper}`).toBe(true);
          if (m.level === "event" && want.users > 1) {
            const sums = rows.find((r) => r.variant === variant && (sliceId === "all" ? r.dimension === "all" : `${String(r.dimension)}:${String(r.slice_value)}` === sliceId))!;
            expect(close(Number(sums.sum_i), want.sums!.sumI)).toBe(true);
            expect(close(Number(sums.sum_ii), want.sums!.sumII)).toBe(true);
            expect(close(Number(sums.sum_mm), want.sums!.sumMM)).toBe(true);
            expect(close(Number(sums.sum_im), want.sums!.sumIM)).toBe(true);
          }
          compared++;
        }
      }
      expect(compared).toBeGreaterThanOrEqual(8);
    });
  }
});

describe("time series", () => {
  for (const windowDays of [10, null]) {
    it(`cumulative sums on both axes equal a brute force per day (window ${windowDays ?? "to the end"})`, async () => {
      const { buildTimeSeries, timeSeriesMetrics } = await import("@/lib/analysis/statements/timeseries");
      const plan = planOf([...repoKeys(), ...extraKeys()], { windowDays, covariateLookbackDays: 0 });
      const metrics = timeSeriesMetrics(plan.metrics);
      // declarative counts and sums of named events without filters or windows; the rest are not drawn (yet)
      expect(metrics.map((m) => m.key).sort()).toEqual(
        ["add_to_cart", "feed_views", "purchases", "revenue", "revenue_clamped", "searches", "sessions", "sessions_floored", "shares", "signups"],
      );
      const s = buildTimeSeries(plan, wh.dialect);
      const { rows: all } = await wh.query(s.sql, s.params);
      expect(all.length).toBeLessThanOrEqual(2 * 3 * 28); // axes × variants × days
      const series = s.decode(all);
      const { users } = cohortOf(plan, world);
      const byUser = rowsByUser(world, catalog.sources.get("events")!);
      const start = ms(`${plan.startDate}T00:00:00Z`);
      for (const axis of series) {
        expect(axis.points.length).toBeGreaterThan(0);
        // days with users on both axes: by exposure, only up to the per-user window
        for (const x of windowDays === null ? [0, 3, 9, 20] : [0, 3, 8]) {
          const point = axis.points.find((p) => p.x === x);
          for (const variant of plan.variants) {
            let n = 0;
            const sums: Record<string, { sum: number; sumSquares: number }> = {};
            for (const u of users) {
              if (u.variant !== variant) continue;
              const eligible = axis.mode === "exposure" ? Math.floor((u.windowEnd - u.first) / DAY) - 1 >= x : Math.floor((u.first - start) / DAY) <= x;
              if (!eligible) continue;
              n++;
              const upTo = axis.mode === "exposure" ? u.first + (x + 1) * DAY : start + (x + 1) * DAY;
              for (const m of metrics) {
                const hits = (byUser.get(u.id) ?? []).filter((e) => m.events.includes(String(e.event_name)) && ms(e.event_time) >= u.first && ms(e.event_time) < Math.min(upTo, u.windowEnd));
                const y = m.statistic === "proportion" ? (hits.length > 0 ? 1 : 0) : m.aggregate === "sum" ? hits.reduce((a, e) => a + Number(e.value ?? 0), 0) : hits.length;
                const acc = (sums[m.key] ??= { sum: 0, sumSquares: 0 });
                acc.sum += y;
                acc.sumSquares += y * y;
              }
            }
            expect(point?.users[variant] ?? 0, `${axis.mode} day ${x} ${variant} users`).toBe(n);
            expect(n, `${axis.mode} day ${x}: users to compare`).toBeGreaterThan(0);
            for (const m of metrics) {
              const got = point?.metrics[m.key]?.[variant];
              expect(close(got?.sum, sums[m.key]?.sum ?? 0), `${axis.mode} ${x} ${variant} ${m.key} Σy`).toBe(true);
              expect(close(got?.sumSquares, sums[m.key]?.sumSquares ?? 0), `${axis.mode} ${x} ${variant} ${m.key} Σy²`).toBe(true);
            }
          }
        }
      }
    });
  }
});

describe("decoders are strict", () => {
  it("a missing, NULL or unexpected column is an error naming it, never a zero", async () => {
    const { buildAggregates } = await import("@/lib/analysis/statements/aggregates");
    const plan = planOf(["purchases", "aov"], { covariateLookbackDays: 0 });
    const s = buildAggregates(plan, wh.dialect);
    const { rows } = await wh.query(s.sql, s.params);
    expect(() => s.decode(rows)).not.toThrow();
    const without = rows.map(({ aov__dsum: _dropped, ...rest }) => rest as Row);
    expect(() => s.decode(without)).toThrow(/aggregates statement: the warehouse returned no column "aov__dsum"/);
    expect(() => s.decode(rows.map((r) => ({ ...r, purchases__sum: null })))).toThrow(/column "purchases__sum" is NULL/);
    expect(() => s.decode(rows.map((r) => ({ ...r, n_purchases_sum: 1 })))).toThrow(/unexpected column "n_purchases_sum"/);
    expect(() => s.decode(rows.map((r) => ({ ...r, users: "many" })))).toThrow(/column "users" is not a finite number/);
  });

  it("with CUPED on, a ratio's missing pre-exposure sum is an error naming it; without, one is unexpected", async () => {
    const { buildAggregates } = await import("@/lib/analysis/statements/aggregates");
    const withCuped = buildAggregates(planOf(["aov"], { covariateLookbackDays: 14 }), wh.dialect);
    const { rows } = await wh.query(withCuped.sql, withCuped.params);
    expect(withCuped.decode(rows).cells[0]!.metrics.aov).toHaveProperty("covariate.denominatorPreDenominator");
    const without = rows.map(({ aov__ddpsum: _dropped, ...rest }) => rest as Row);
    expect(() => withCuped.decode(without)).toThrow(/the warehouse returned no column "aov__ddpsum"/);
    const noCuped = buildAggregates(planOf(["aov"], { covariateLookbackDays: 0 }), wh.dialect);
    expect(() => noCuped.decode(rows)).toThrow(/unexpected column "aov__mpsum"/);
  });
});
