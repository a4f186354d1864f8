import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisPlan } from "@/lib/analysis/sql/analysis-plan";
import { defineEventMetric } from "@/lib/metrics/define";
import type { Row } from "@/lib/warehouse/types";
import { activeDaysSql } from "../support/active-days-sql";
import { useTempEnvironment } from "../support/temp-env";

// The aggregation query must equal a brute-force per-user computation done here in JS from the
// raw tables (fine for a few thousand users; the product never pulls per-user rows).

const env = useTempEnvironment("aggregation");
let wh: import("@/lib/warehouse/duckdb").DuckDbWarehouse;
let exposures: Row[];
let events: Row[];
let users: Row[];

beforeAll(async () => {
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  await seedWarehouse(env.warehouse, { users: 4000, days: 14, seed: 7 });
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  wh = await DuckDbWarehouse.open({ path: env.warehouse });
  exposures = (await wh.query("SELECT user_id, experiment_id, variant, exposed_at, event_date, platform, country FROM exposures")).rows;
  events = (await wh.query("SELECT user_id, event_name, event_time, event_date, value FROM events")).rows;
  users = (await wh.query("SELECT user_id, CAST(signup_date AS VARCHAR) AS signup_date FROM users")).rows;
});
afterAll(async () => {
  await wh?.close();
  env.cleanup();
});

const ms = (iso: unknown) => new Date(String(iso)).getTime();
const DAY = 86_400_000;

/** R's default quantile (type 7): linear interpolation between order statistics. */
function quantile7(sorted: number[], p: number): number {
  if (sorted.length === 0) return Infinity;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? 0) - sorted[lo]!);
}

/** Test-only metrics that exercise every kind of cap (the registry's revenue has only a p99 upper cap). */
function cappedMetrics() {
  return [
    defineEventMetric({ key: "sessions_floored", name: "s", description: "", statistic: "mean", events: ["session_start"], aggregate: "count",
      capping: { lower: { type: "percentile", value: 0.2 }, upper: { type: "absolute", value: 9 } } }),
    defineEventMetric({ key: "revenue_clamped", name: "r", description: "", statistic: "mean", events: ["purchase"], aggregate: "sum",
      capping: { lower: { type: "absolute", value: 5 }, upper: { type: "percentile", value: 0.9 } } }),
  ];
}

type SliceOf = (user: { id: number; platform: string; country: string }) => string | null;

/** Per-user values exactly as the contract defines them, computed naively (optionally for one slice). */
function bruteForce(plan: AnalysisPlan, sliceOf: SliceOf = () => "all") {
  const start = ms(`${plan.startDate}T00:00:00Z`);
  const end = ms(`${plan.endDate}T00:00:00Z`) + DAY;
  const seen = new Map<number, { variants: Set<string>; first: number; platform: string; country: string }>();
  for (const e of exposures) {
    const t = ms(e.exposed_at);
    if (e.experiment_id !== plan.experimentKey || t < start || t >= end || !plan.variants.includes(String(e.variant))) continue;
    const u = seen.get(Number(e.user_id)) ?? { variants: new Set(), first: Infinity, platform: "~", country: "~" };
    u.variants.add(String(e.variant));
    if (t < u.first) {
      // segments are the user's platform and country at their first exposure
      u.platform = String(e.platform);
      u.country = String(e.country);
    }
    u.first = Math.min(u.first, t);
    seen.set(Number(e.user_id), u);
  }
  const excluded = [...seen.values()].filter((u) => u.variants.size > 1).length;
  const cohort = new Map([...seen].filter(([, u]) => u.variants.size === 1));
  const byUser = new Map<number, Row[]>();
  for (const ev of events) {
    if (!cohort.has(Number(ev.user_id))) continue;
    const list = byUser.get(Number(ev.user_id)) ?? [];
    list.push(ev);
    byUser.set(Number(ev.user_id), list);
  }
  type UserValues = { variant: string | null; values: Record<string, { y: number; pct: number; x: number }> };
  const perUser: UserValues[] = [];
  for (const [userId, u] of cohort) {
    const slice = sliceOf({ id: userId, platform: u.platform, country: u.country }); // null: not in the slice
    const windowEnd = plan.windowDays === null ? end : Math.min(u.first + plan.windowDays * DAY, end);
    const preStart = u.first - plan.covariateLookbackDays * DAY;
    const values: UserValues["values"] = {};
    for (const m of plan.metrics) {
      const evs = byUser.get(userId) ?? [];
      const valueOf = (inWindow: (t: number) => boolean, stat: "n" | "pct") => {
        // the only free-SQL metric here is active_days_sql: any event counts
        const hits = evs.filter((e) => (m.kind === "sql" || m.events.includes(String(e.event_name))) && inWindow(ms(e.event_time)));
        const aggregate = m.kind === "sql" ? "days" : m.aggregate;
        const n =
          aggregate === "sum" ? hits.reduce((a, e) => a + Number(e.value ?? 0), 0)
          : aggregate === "days" ? new Set(hits.map((e) => String(e.event_date))).size
          : hits.length;
        return stat === "n" ? n : hits.length > 0 ? 1 : 0;
      };
      values[m.key] = {
        y: valueOf((t) => t >= u.first && t < windowEnd, "n"),
        pct: valueOf((t) => t >= u.first && t < windowEnd, "pct"),
        x: valueOf((t) => t >= preStart && t < u.first, m.statistic === "proportion" ? "pct" : "n"),
      };
    }
    perUser.push({ variant: slice === null ? null : `${[...u.variants][0]!}|${slice}`, values });
  }
  // winsorize as the SQL does: the percentile (R type 7) of the non-zero values of all cohort users
  for (const m of plan.metrics) {
    const { upper, lower } = m.capping ?? {};
    if (!upper && !lower) continue;
    for (const field of ["y", "x"] as const) {
      const nonZero = perUser.map((u) => u.values[m.key]![field]).filter((v) => v !== 0).sort((a, b) => a - b);
      const hi = upper ? (upper.type === "absolute" ? upper.value : quantile7(nonZero, upper.value)) : Infinity;
      const lo = lower ? (lower.type === "absolute" ? lower.value : quantile7(nonZero, lower.value)) : -Infinity;
      for (const u of perUser) {
        const v = u.values[m.key]![field];
        const floored = lower?.type === "percentile" && v === 0 ? v : Math.max(v, lo); // zeros keep 0 under a percentile floor
        u.values[m.key]![field] = Math.min(floored, hi);
      }
    }
  }
  const out = new Map<string, Record<string, number>>();
  for (const u of perUser) {
    if (u.variant === null) continue;
    const acc = out.get(u.variant) ?? { users: 0 };
    acc.users = (acc.users ?? 0) + 1;
    for (const m of plan.metrics) {
      const { y, pct, x } = u.values[m.key]!;
      const yHead = m.statistic === "proportion" ? pct : y;
      const add = (k: string, v: number) => (acc[k] = (acc[k] ?? 0) + v);
      add(`n_${m.key}_sum`, y);
      add(`n_${m.key}_sumsq`, y * y);
      add(`pct_${m.key}_sum`, pct);
      add(`x_${m.key}_sum`, x);
      add(`x_${m.key}_sumsq`, x * x);
      add(`xy_${m.key}_sum`, x * yHead);
    }
    out.set(u.variant, acc);
  }
  return { excluded, byVariant: out, cohort };
}

describe("aggregation in the warehouse", () => {
  const cases: [string, Partial<AnalysisPlan>][] = [
    ["whole window, with covariates", { windowDays: null, covariateLookbackDays: 14 }],
    ["lower and upper caps, percentile and absolute", { windowDays: null, covariateLookbackDays: 14, metrics: cappedMetrics() }],
    ["7-day window per user", { windowDays: 7, covariateLookbackDays: 3 }],
    ["60-day lookback: distinct-day bitmasks span two words", { windowDays: null, covariateLookbackDays: 60 }],
  ];
  for (const [name, overrides] of cases) {
    it(`equals a brute-force per-user computation (${name})`, async () => {
      const { allMetrics } = await import("@/lib/metrics/registry");
      const { buildAnalysisQuery } = await import("@/lib/analysis/sql/analysis-sql");
      const plan: AnalysisPlan = {
        experimentKey: "onboarding-three-arm",
        exposureTable: "exposures",
        variants: ["control", "short", "gamified"],
        startDate: "2026-10-01",
        endDate: "2026-10-14",
        windowDays: null,
        metrics: [...allMetrics(), activeDaysSql],
        covariateLookbackDays: 14,
        segments: [],
        segmentLimit: 8,
        ...overrides,
      };
      const q = buildAnalysisQuery(plan, wh.dialect);
      const { rows } = await wh.query(q.sql, q.params);
      const expected = bruteForce(plan);
      expect(rows).toHaveLength(3); // O(variants) rows, never per user
      expect(expected.excluded).toBeGreaterThan(0);
      for (const row of rows) {
        const exp = expected.byVariant.get(`${String(row.variant)}|all`)!;
        expect(row.users).toBe(exp.users);
        expect(row.excluded_users).toBe(expected.excluded);
        for (const [k, v] of Object.entries(exp)) {
          if (k === "users") continue;
          expect(Number(row[k]), `${String(row.variant)} ${k}`).toBeCloseTo(v, 6);
        }
      }
    });
  }

  it("excludes users seen in more than one variant, and counts them", async () => {
    const { buildAnalysisQuery } = await import("@/lib/analysis/sql/analysis-sql");
    const { getMetric } = await import("@/lib/metrics/registry");
    const plan: AnalysisPlan = {
      experimentKey: "checkout-redesign", exposureTable: "exposures", variants: ["control", "treatment"],
      startDate: "2026-10-01", endDate: "2026-10-14", windowDays: null, metrics: [getMetric("purchases")], covariateLookbackDays: 0,
      segments: [], segmentLimit: 8,
    };
    const multi = await wh.query(
      `SELECT COUNT(*) AS n FROM (SELECT user_id FROM exposures WHERE experiment_id = 'checkout-redesign' GROUP BY user_id HAVING COUNT(DISTINCT variant) > 1)`,
    );
    const all = await wh.query(`SELECT COUNT(DISTINCT user_id) AS n FROM exposures WHERE experiment_id = 'checkout-redesign'`);
    const q = buildAnalysisQuery(plan, wh.dialect);
    const { rows } = await wh.query(q.sql, q.params);
    const users = rows.reduce((a, r) => a + Number(r.users), 0);
    expect(Number(multi.rows[0]!.n)).toBeGreaterThan(0);
    expect(rows[0]!.excluded_users).toBe(Number(multi.rows[0]!.n));
    expect(users).toBe(Number(all.rows[0]!.n) - Number(multi.rows[0]!.n));
  });

  it("binds every value as a parameter: no dates, ids or event names inlined in the SQL", async () => {
    const { allMetrics } = await import("@/lib/metrics/registry");
    const { buildAnalysisQuery } = await import("@/lib/analysis/sql/analysis-sql");
    const q = buildAnalysisQuery(
      { experimentKey: "checkout-redesign", exposureTable: "exposures", variants: ["control", "treatment"], startDate: "2026-10-01",
        endDate: "2026-10-14", windowDays: 7, metrics: [...allMetrics()], covariateLookbackDays: 14, segments: ["platform", "country", "user_type"], segmentLimit: 3 },
      wh.dialect,
    );
    expect(q.sql).not.toMatch(/'[^']*'/); // no string literals at all
    expect(q.sql).not.toMatch(/\d{4}-\d{2}-\d{2}/); // no inlined dates
    expect(q.sql).not.toMatch(/\b(7|14)\b/); // window and lookback lengths are parameters too
    expect(Object.values(q.params)).toEqual(expect.arrayContaining(["checkout-redesign", "2026-10-01", "purchase", 7, 14]));
  });

  it("segments: every slice equals the brute force for that slice, capped to the top N values + other", async () => {
    const { allMetrics } = await import("@/lib/metrics/registry");
    const { buildAnalysisQuery } = await import("@/lib/analysis/sql/analysis-sql");
    const { toSufficientStats } = await import("@/lib/analysis/sufficient-stats");
    const plan: AnalysisPlan = {
      experimentKey: "checkout-redesign", exposureTable: "exposures", variants: ["control", "treatment"],
      startDate: "2026-10-01", endDate: "2026-10-14", windowDays: null, metrics: [...allMetrics()], covariateLookbackDays: 0,
      segments: ["platform", "country", "user_type"], segmentLimit: 3,
    };
    // some users came back on another device: their first exposure's platform is not the smallest one
    const switched = await wh.query(
      `SELECT COUNT(*) AS n FROM (SELECT user_id FROM exposures WHERE experiment_id = 'checkout-redesign' GROUP BY user_id HAVING arg_min(platform, exposed_at) <> MIN(platform))`,
    );
    expect(Number(switched.rows[0]!.n)).toBeGreaterThan(0);
    const q = buildAnalysisQuery(plan, wh.dialect);
    const { rows } = await wh.query(q.sql, q.params);
    const stats = toSufficientStats(rows, [{ key: "control", weight: 1 }, { key: "treatment", weight: 1 }], plan.metrics, false, plan.segments);

    const all = bruteForce(plan);
    const countryUsers = new Map<string, number>();
    for (const [, u] of all.cohort) countryUsers.set(u.country, (countryUsers.get(u.country) ?? 0) + 1);
    const top = [...countryUsers].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3).map(([c]) => c);
    const signup = new Map(users.map((u) => [Number(u.user_id), String(u.signup_date)]));
    const slicers: Record<string, SliceOf> = {
      platform: (u) => u.platform,
      country: (u) => (top.includes(u.country) ? u.country : "other"),
      user_type: (u) => (signup.get(u.id)! >= plan.startDate ? "new" : "existing"),
    };
    expect(stats.slices.filter((sl) => sl.dimension === "country").map((sl) => sl.value).sort()).toEqual([...top, "other"].sort());
    expect(stats.slices.filter((sl) => sl.dimension === "user_type").map((sl) => sl.value).sort()).toEqual(["existing", "new"]);
    // one row per variant × combination of segment values, each dimension capped: at most 2 × 3 × 4 × 2 here
    expect(rows.length).toBeLessThanOrEqual(2 * 3 * 4 * 2);
    expect(new Set(rows.map((r) => `${String(r.variant)}|${String(r.seg_platform)}|${String(r.seg_country)}|${String(r.seg_user_type)}`)).size).toBe(rows.length);
    for (const slice of stats.slices) {
      if (slice.dimension === "all") continue;
      const expected = bruteForce(plan, (u) => (slicers[slice.dimension]!(u) === slice.value ? slice.value : null)).byVariant;
      for (const variant of ["control", "treatment"]) {
        const e = expected.get(`${variant}|${slice.value}`)!;
        expect(slice.users[variant], `${slice.id} ${variant} users`).toBe(e.users);
        for (const m of slice.metrics) {
          expect(m.data[variant]!.n.sum, `${slice.id} ${m.key}`).toBeCloseTo(e[`n_${m.key}_sum`]!, 6);
          expect(m.data[variant]!.n.sumSquares, `${slice.id} ${m.key}`).toBeCloseTo(e[`n_${m.key}_sumsq`]!, 6);
          expect(m.data[variant]!.pct.sum, `${slice.id} ${m.key}`).toBeCloseTo(e[`pct_${m.key}_sum`]!, 6);
        }
      }
    }
  });

  for (const windowDays of [10, null]) {
    it(`time series (window ${windowDays ?? "to the end"}): cumulative sums on both axes equal a brute force per day`, async () => {
      const { allMetrics } = await import("@/lib/metrics/registry");
      const { buildTimeSeriesQuery, timeSeriesMetrics } = await import("@/lib/analysis/sql/timeseries-sql");
      const metrics = timeSeriesMetrics(allMetrics());
      expect(metrics.length).toBe(allMetrics().length - 1); // all but active_days (distinct days)
      const plan: AnalysisPlan = {
        experimentKey: "onboarding-three-arm", exposureTable: "exposures", variants: ["control", "short", "gamified"],
        startDate: "2026-10-01", endDate: "2026-10-14", windowDays, metrics,
        covariateLookbackDays: 0, segments: [], segmentLimit: 8,
      };
      const q = buildTimeSeriesQuery(plan, metrics, wh.dialect);
      const { rows: all } = await wh.query(q.sql, q.params);
      expect(all.length).toBeLessThanOrEqual(2 * 3 * 14); // axes × variants × days
      for (const mode of ["exposure", "calendar"] as const) {
        const rows = all.filter((r) => r.mode === mode);
        expect(rows.length).toBeGreaterThan(0);

        const start = ms(`${plan.startDate}T00:00:00Z`);
        const end = start + 14 * DAY;
        const { cohort } = bruteForce(plan);
        const evByUser = new Map<number, Row[]>();
        for (const ev of events) {
          if (!cohort.has(Number(ev.user_id))) continue;
          evByUser.set(Number(ev.user_id), [...(evByUser.get(Number(ev.user_id)) ?? []), ev]);
        }
        for (const x of [0, 3, 9, 13]) {
          const acc = new Map<string, Record<string, number>>();
          for (const [id, u] of cohort) {
            const windowEnd = plan.windowDays === null ? end : Math.min(u.first + plan.windowDays * DAY, end);
            const eligible = mode === "exposure" ? Math.floor((windowEnd - u.first) / DAY) - 1 >= x : Math.floor((u.first - start) / DAY) <= x;
            if (!eligible) continue;
            const upTo = mode === "exposure" ? u.first + (x + 1) * DAY : start + (x + 1) * DAY;
            const v = [...u.variants][0]!;
            const a = acc.get(v) ?? { users: 0 };
            a.users! += 1;
            for (const m of metrics) {
              if (m.kind !== "events") continue;
              const hits = (evByUser.get(id) ?? []).filter((e) => {
                const t = ms(e.event_time);
                return m.events.includes(String(e.event_name)) && t >= u.first && t < Math.min(upTo, windowEnd);
              });
              const y = m.statistic === "proportion" ? (hits.length > 0 ? 1 : 0) : m.aggregate === "sum" ? hits.reduce((s, e) => s + Number(e.value ?? 0), 0) : hits.length;
              a[`${m.key}_sum`] = (a[`${m.key}_sum`] ?? 0) + y;
              a[`${m.key}_sumsq`] = (a[`${m.key}_sumsq`] ?? 0) + y * y;
            }
            acc.set(v, a);
          }
          for (const [variant, e] of acc) {
            const row = rows.find((r) => Number(r.x) === x && r.variant === variant)!;
            expect(row, `${mode} day ${x} ${variant}`).toBeDefined();
            for (const [k, value] of Object.entries(e)) expect(Number(row[k]), `${mode} day ${x} ${variant} ${k}`).toBeCloseTo(value, 6);
          }
        }
      }
    });
  }
});
