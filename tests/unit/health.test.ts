import { describe, expect, it } from "vitest";
import { binomialUpper, healthOf, placeboHealth, segmentSrm, trafficHealth } from "@/lib/analysis/health";
import type { SufficientStats } from "@/lib/analysis/sufficient-stats";
import { craftStats, meanSums } from "../support/crafted-stats";

const base = () =>
  craftStats({
    variants: [
      { key: "control", users: 5000 },
      { key: "treatment", users: 5000 },
    ],
    metrics: [{ key: "sessions", role: "primary", type: "mean", arms: { control: { mean: 3, sd: 2, pre: 3 }, treatment: { mean: 3, sd: 2, pre: 3 } } }],
    days: 10,
    dailyUsers: 1000,
  });

describe("traffic", () => {
  it("daily and cumulative users per variant; the recent rate; a variant with no users on a busy day", () => {
    const stats = base();
    stats.traffic = {
      startDate: "2026-10-30",
      days: 5,
      points: [
        { x: 0, users: { control: 100, treatment: 100 } },
        { x: 1, users: { control: 90, treatment: 0 } },
        { x: 3, users: { control: 5, treatment: 4 } },
      ],
    };
    const t = trafficHealth(stats);
    expect(t.days.map((d) => d.date)).toEqual(["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"]);
    expect(t.days.map((d) => d.cumulative.treatment)).toEqual([100, 100, 100, 104]);
    expect(t.days[2]!.users).toEqual({ control: 0, treatment: 0 });
    expect(t.gaps).toEqual([{ date: "2026-10-31", variant: "treatment" }]);
    expect(t.level).toBe("warn");
    expect(t.recentDailyUsers).toBeCloseTo((200 + 90 + 0 + 9) / 4, 12);
    expect(t.note).toBe("No new users in the last 1 day of the analysis (last on 2026-11-02).");
    delete stats.traffic;
    expect(trafficHealth(stats).level).toBe("unavailable");
  });

  it("says which days had nobody new, rather than 'every day', when the quiet days are not at the end", () => {
    const stats = base();
    const day = (x: number, n: number) => ({ x, users: { control: n, treatment: n } });
    stats.traffic = { startDate: "2026-11-28", days: 3, points: [day(2, 40)] };
    expect(trafficHealth(stats).note).toBe("New users on 1 of 3 days up to 2026-11-30 (none on 2026-11-28, 2026-11-29).");
    stats.traffic = { startDate: "2026-11-01", days: 6, points: [day(0, 9), day(5, 9)] };
    expect(trafficHealth(stats).note).toBe("New users on 2 of 6 days up to 2026-11-06 (none on 2026-11-02, 2026-11-03, 2026-11-04 and 1 more).");
    stats.traffic = { startDate: "2026-11-01", days: 2, points: [day(0, 9), day(1, 9)] };
    expect(trafficHealth(stats).note).toBe("New users every day up to 2026-11-02.");
  });
});

describe("sample ratio mismatch per segment dimension", () => {
  it("tests each value against the planned split, Bonferroni over the values", () => {
    const stats = craftStats({
      variants: [
        { key: "control", users: 10_000 },
        { key: "treatment", users: 10_000 },
      ],
      metrics: [],
      segments: {
        platform: { ios: { control: 3000, treatment: 3200 }, android: { control: 7000, treatment: 6800 } },
        country: { US: { control: 5000, treatment: 5000 }, DE: { control: 5000, treatment: 5000 } },
      },
    });
    const [platform, country] = segmentSrm(stats);
    // R: chisq.test(c(3000, 3200))$p.value = 0.01108517; over 2 values the threshold is 0.0005
    expect(platform!.values[0]!.pValue).toBeCloseTo(0.01108517, 8);
    expect(platform!.threshold).toBe(0.0005);
    expect(platform!.level).toBe("ok");
    expect(country!.level).toBe("ok");
    stats.slices.find((s) => s.id === "platform:ios")!.users = { control: 3000, treatment: 3400 };
    expect(segmentSrm(stats)[0]!.level).toBe("fail");
    expect(segmentSrm(stats)[0]!.values.filter((v) => v.mismatch).map((v) => v.value)).toEqual(["ios"]);
  });
});

describe("multiple exposures and pre-exposure bias", () => {
  it("share of exposed users seen in several variants: ok below 1%, a warning from 1%, a failure from 5%", () => {
    const levels = [0, 101, 102, 526, 527].map((excluded) => {
      const s = base();
      s.excludedUsers = excluded;
      return healthOf(s, { alpha: 0.05, cuped: true }).multipleExposure.level;
    });
    // 10,000 analysed: 102/10,102 ≥ 1% > 101/10,101; 527/10,527 ≥ 5% > 526/10,526
    expect(levels).toEqual(["ok", "ok", "warn", "warn", "fail"]);
  });

  it("compares the pre-period means with Welch tests, Holm-adjusted over metrics × variants", () => {
    const s = base();
    const m = s.slices[0]!.metrics[0]!;
    m.data.treatment = meanSums("mean", 5000, { mean: 3, sd: 2, pre: 3.09 });
    const h = healthOf(s, { alpha: 0.05, cuped: true }).bias;
    const row = h.rows[0]!;
    expect(row.relativeDifference).toBeCloseTo(0.03, 12);
    // Welch z for a 0.09 difference with sd 2 in both arms of 5000: 0.09 / sqrt(8/5000) = 2.25
    expect(row.pValue).toBeCloseTo(0.0245, 3);
    expect(row.level).toBe("warn");
    m.data.treatment = meanSums("mean", 5000, { mean: 3, sd: 2, pre: 3.2 });
    expect(healthOf(s, { alpha: 0.05, cuped: true }).bias.level).toBe("fail");
    // without a pre-period there is nothing to check
    m.data.treatment = meanSums("mean", 5000, { mean: 3, sd: 2 });
    m.data.control = meanSums("mean", 5000, { mean: 3, sd: 2 });
    expect(healthOf(s, { alpha: 0.05, cuped: true }).bias).toMatchObject({ level: "unavailable", notChecked: ["sessions"] });
  });
});

describe("placebo A/A", () => {
  function withPlacebo(a: number, b: number): SufficientStats {
    const s = base();
    for (const slice of s.slices) {
      slice.placebo = {
        users: { a: 2500, b: 2500 },
        metrics: [{ key: "sessions", type: "mean", data: { a: meanSums("mean", 2500, { mean: a, sd: 2 }), b: meanSums("mean", 2500, { mean: b, sd: 2 }) } }],
      };
    }
    return s;
  }

  it("counts the comparisons that find an effect, and says when that is more than chance", () => {
    const quiet = placeboHealth(withPlacebo(3, 3), 0.05, true);
    expect(quiet).toMatchObject({ level: "ok", comparisons: 1, found: 0, rate: 0, halves: { a: 2500, b: 2500 } });
    expect(quiet.overall[0]).toMatchObject({ metric: "sessions", slice: "all", found: false });
    const loud = placeboHealth(withPlacebo(3, 3.3), 0.05, true);
    expect(loud).toMatchObject({ comparisons: 1, found: 1, rate: 1 });
    expect(loud.binomialP).toBeCloseTo(0.05, 12);
    // one comparison in one slice cannot be more than chance at 1%; many can
    expect(loud.level).toBe("ok");
    const many = withPlacebo(3, 3.3);
    for (let i = 0; i < 4; i++) many.slices.push({ ...many.slices[0]!, id: `platform:p${i}`, dimension: "platform", value: `p${i}` });
    expect(placeboHealth(many, 0.05, true)).toMatchObject({ comparisons: 5, found: 5, level: "warn" });
  });

  it("binomial tail as R: pbinom(k - 1, n, p, lower.tail = FALSE)", () => {
    expect(binomialUpper(10, 100, 0.05)).toBeCloseTo(0.02818829, 7);
    expect(binomialUpper(0, 100, 0.05)).toBe(1);
    expect(binomialUpper(101, 100, 0.05)).toBe(0);
    expect(binomialUpper(5, 5, 0.05)).toBeCloseTo(0.05 ** 5, 15);
  });

  it("older snapshots without the split say so", () => {
    expect(placeboHealth(base(), 0.05, true)).toMatchObject({ level: "unavailable", comparisons: 0 });
  });
});

describe("placebo A/A of a ratio metric", () => {
  it("applies ratio CUPED exactly when the view has CUPED on", async () => {
    const { placeboRows } = await import("@/lib/analysis/health");
    const { fixture } = await import("./stats/helpers");
    // two arms with their pre-exposure sums (tests/r/fixtures/ratio-cuped.json) as the control's hash halves
    const [a, b] = fixture<{ arms: import("@/lib/analysis/sums").RatioSums[] }[]>("ratio-cuped")[0]!.arms;
    const slice = {
      id: "all", dimension: "all" as const, value: "all", users: { control: a!.n + b!.n }, metrics: [],
      placebo: { users: { a: a!.n, b: b!.n }, metrics: [{ key: "aov", type: "ratio" as const, data: { a: a!, b: b! } }] },
    };
    const width = (cuped: boolean) => {
      const r = placeboRows(slice, 0.05, cuped)[0]!.relative;
      return r.ciHigh! - r.ciLow!;
    };
    const { covariate: _a, ...plainA } = a!;
    const { covariate: _b, ...plainB } = b!;
    const plain = { ...slice, placebo: { ...slice.placebo, metrics: [{ key: "aov", type: "ratio" as const, data: { a: plainA, b: plainB } }] } };
    const plainRow = placeboRows(plain, 0.05, true)[0]!.relative;
    expect(width(false)).toBeCloseTo(plainRow.ciHigh! - plainRow.ciLow!, 12);
    expect(width(true)).toBeLessThan(width(false));
  });
});

describe("pre-exposure bias of a ratio metric", () => {
  // users with a pre-period numerator x (revenue) and denominator w (orders); a deterministic generator
  function users(n: number, preShift: number, seed: number) {
    let s = seed >>> 0;
    const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    return Array.from({ length: n }, () => {
      const w = 1 + Math.floor(u() * 4);
      const x = w * (20 + preShift + 10 * u()) + 5 * u();
      const z = 1 + Math.floor(u() * 4);
      return { x, w, y: z * 25 * u(), z };
    });
  }
  function sums(rows: ReturnType<typeof users>) {
    const t = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
    return {
      n: rows.length,
      sum: t((r) => r.y),
      sumSquares: t((r) => r.y * r.y),
      denominatorSum: t((r) => r.z),
      denominatorSumSquares: t((r) => r.z * r.z),
      sumProduct: t((r) => r.y * r.z),
      covariate: {
        sum: t((r) => r.x),
        sumSquares: t((r) => r.x * r.x),
        denominatorSum: t((r) => r.w),
        denominatorSumSquares: t((r) => r.w * r.w),
        sumProduct: t((r) => r.x * r.w),
        numeratorPreNumerator: t((r) => r.y * r.x),
        numeratorPreDenominator: t((r) => r.y * r.w),
        denominatorPreNumerator: t((r) => r.z * r.x),
        denominatorPreDenominator: t((r) => r.z * r.w),
      },
    };
  }
  // brute force from the users: the delta-method variance of Σx/Σw, (σx² − 2Rσxw + R²σw²) / (n μw²)
  function preRatio(rows: ReturnType<typeof users>) {
    const n = rows.length;
    const mx = rows.reduce((a, r) => a + r.x, 0) / n;
    const mw = rows.reduce((a, r) => a + r.w, 0) / n;
    const cov = (f: (r: (typeof rows)[number]) => number, g: (r: (typeof rows)[number]) => number, mf: number, mg: number) =>
      rows.reduce((a, r) => a + (f(r) - mf) * (g(r) - mg), 0) / (n - 1);
    const R = mx / mw;
    const v = (cov((r) => r.x, (r) => r.x, mx, mx) - 2 * R * cov((r) => r.x, (r) => r.w, mx, mw) + R * R * cov((r) => r.w, (r) => r.w, mw, mw)) / (n * mw * mw);
    return { R, v };
  }
  const normalTwoSided = (z: number) => {
    // Abramowitz & Stegun 7.1.26 is too coarse for 3 digits at small p; integrate the density instead
    let area = 0;
    const h = 1e-4;
    for (let t = 0; t < Math.abs(z); t += h) area += h * (Math.exp(-((t + h / 2) ** 2) / 2) / Math.sqrt(2 * Math.PI));
    return 2 * (0.5 - area);
  };

  function statsWith(control: ReturnType<typeof users>, treatment: ReturnType<typeof users>): SufficientStats {
    const s = base();
    s.metrics.push({ key: "aov", name: "Average order value", description: "", type: "ratio", unit: "currency", currency: "USD", higherIsBetter: true, ratio: { numerator: "revenue", denominator: "orders" } });
    s.slices[0]!.metrics.push({ key: "aov", type: "ratio", data: { control: sums(control), treatment: sums(treatment) } });
    return s;
  }

  it("compares the pre-period ratios by the delta method: the p-value of a brute force over the users", () => {
    const c = users(5000, 0, 1);
    const t = users(5000, 0.1, 2);
    const h = healthOf(statsWith(c, t), { alpha: 0.05, cuped: true }).bias;
    const row = h.rows.find((r) => r.metric === "aov")!;
    const pc = preRatio(c);
    const pt = preRatio(t);
    expect(row.controlMean).toBeCloseTo(pc.R, 9);
    expect(row.variantMean).toBeCloseTo(pt.R, 9);
    expect(row.relativeDifference).toBeCloseTo(pt.R / pc.R - 1, 9);
    const p = normalTwoSided((pt.R - pc.R) / Math.sqrt(pc.v + pt.v));
    expect(p).toBeGreaterThan(0.001);
    expect(p).toBeLessThan(0.2);
    expect(row.pValue).toBeCloseTo(p, 3);
    expect(h.notChecked).not.toContain("aov");
  });

  it("a planted pre-period difference in the ratio makes the data unreliable; without a pre-period it is not checked", () => {
    const shifted = healthOf(statsWith(users(5000, 0, 1), users(5000, 2, 2)), { alpha: 0.05, cuped: true }).bias;
    expect(shifted.rows.find((r) => r.metric === "aov")!.level).toBe("fail");
    expect(shifted.level).toBe("fail");
    const s = statsWith(users(5000, 0, 1), users(5000, 2, 2));
    const m = s.slices[0]!.metrics.find((x) => x.key === "aov")!;
    for (const d of Object.values(m.data)) delete (d as { covariate?: unknown }).covariate;
    const h = healthOf(s, { alpha: 0.05, cuped: true }).bias;
    expect(h.notChecked).toEqual(["aov"]);
    expect(h.rows.map((r) => r.metric)).toEqual(["sessions"]);
  });
});
