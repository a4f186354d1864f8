// Experiment health, derived from a snapshot's stored sums (no warehouse query), like its results:
// traffic over time, sample ratio mismatch overall and per segment dimension, users seen in
// several variants, pre-exposure bias per metric, and the placebo A/A of the control group.
import jStat from "jstat";
import { addDays, format, parseISO } from "date-fns";
import { analyze, type MetricInput } from "@/lib/stats";
import { srmCheck, SRM_THRESHOLD } from "@/lib/stats/srm";
import { SEGMENT_LABELS, type SegmentDimension } from "./segments";
import type { ViewOptions } from "./stats-request";
import { PLACEBO_HALVES, type PlaceboSplit, type Slice, type SufficientStats } from "./sufficient-stats";

export type HealthLevel = "ok" | "warn" | "fail" | "unavailable";

/** Share of exposed users seen in several variants: a warning from 1%, unreliable data from 5%. */
export const MULTIPLE_EXPOSURE_WARN = 0.01;
export const MULTIPLE_EXPOSURE_FAIL = 0.05;
/** Pre-exposure bias: Holm-adjusted p below this is unreliable data (as strict as the SRM check), below α a warning. */
export const BIAS_THRESHOLD = 0.001;
/** A placebo rate this unlikely under chance (one-sided binomial) is a warning. */
export const PLACEBO_WARN_P = 0.01;
/** Days of traffic behind "current traffic". */
export const RECENT_DAYS = 7;

export interface TrafficDay {
  date: string;
  /** users first exposed that day, per variant key */
  users: Record<string, number>;
  cumulative: Record<string, number>;
}

export interface TrafficHealth {
  level: HealthLevel;
  days: TrafficDay[];
  /** mean new users per day (all variants) over the last RECENT_DAYS days up to the last day with traffic */
  recentDailyUsers: number | null;
  /** variant keys with no new users on a day others had plenty: a logging outage */
  gaps: { date: string; variant: string }[];
  note: string;
}

export interface SrmHealth {
  level: HealthLevel;
  pValue: number | null;
  variants: { key: string; users: number; expectedShare: number; observedShare: number | null }[];
}

export interface SegmentSrmHealth {
  dimension: SegmentDimension;
  label: string;
  level: HealthLevel;
  /** p below this (0.001 over the number of values) is a mismatch */
  threshold: number;
  values: { value: string; users: number; pValue: number | null; mismatch: boolean }[];
}

export interface MultipleExposureHealth {
  level: HealthLevel;
  excluded: number;
  /** analysed users plus excluded ones */
  exposed: number;
  share: number | null;
}

export interface BiasRow {
  metric: string;
  variant: string;
  /** pre-exposure means (the CUPED covariate) */
  controlMean: number | null;
  variantMean: number | null;
  /** (variant − control) / control of the pre-exposure means */
  relativeDifference: number | null;
  pValue: number | null;
  /** Holm-adjusted over every metric × variant */
  adjustedPValue: number | null;
  level: HealthLevel;
}

export interface BiasHealth {
  level: HealthLevel;
  rows: BiasRow[];
  /** metrics without a pre-exposure period (quantiles, CUPED off in the analysis) */
  notChecked: string[];
}

export interface PlaceboRow {
  slice: string;
  metric: string;
  /** half b vs half a */
  relative: { estimate: number | null; ciLow: number | null; ciHigh: number | null };
  pValue: number | null;
  found: boolean;
}

export interface PlaceboHealth {
  level: HealthLevel;
  alpha: number;
  /** comparisons with a p-value, over every slice and aggregated metric */
  comparisons: number;
  found: number;
  rate: number | null;
  /** P(at least `found` effects | comparisons, α): small means the setup finds too much */
  binomialP: number | null;
  /** the whole population's rows (one per metric) */
  overall: PlaceboRow[];
  /** control users in each half, whole population */
  halves: { a: number; b: number };
  notChecked: string[];
}

export interface Health {
  level: HealthLevel;
  traffic: TrafficHealth;
  srm: SrmHealth;
  segmentSrm: SegmentSrmHealth[];
  multipleExposure: MultipleExposureHealth;
  bias: BiasHealth;
  placebo: PlaceboHealth;
}

const worst = (levels: HealthLevel[]): HealthLevel =>
  levels.includes("fail") ? "fail" : levels.includes("warn") ? "warn" : levels.every((l) => l === "unavailable") ? "unavailable" : "ok";

const total = (users: Record<string, number>) => Object.values(users).reduce((a, n) => a + n, 0);

export function trafficHealth(stats: SufficientStats): TrafficHealth {
  const t = stats.traffic;
  if (!t) return { level: "unavailable", days: [], recentDailyUsers: null, gaps: [], note: "This snapshot predates the traffic check: refresh the analysis." };
  const keys = stats.variants.map((v) => v.key);
  const byX = new Map(t.points.map((p) => [p.x, p.users]));
  const last = Math.max(-1, ...t.points.map((p) => p.x));
  const running = Object.fromEntries(keys.map((k) => [k, 0]));
  const days: TrafficDay[] = [];
  const gaps: TrafficHealth["gaps"] = [];
  for (let x = 0; x <= last; x++) {
    const users = Object.fromEntries(keys.map((k) => [k, byX.get(x)?.[k] ?? 0]));
    for (const k of keys) running[k]! += users[k]!;
    const date = format(addDays(parseISO(t.startDate), x), "yyyy-MM-dd");
    days.push({ date, users, cumulative: { ...running } });
    const sum = total(users);
    // with 20+ users per variant expected, a variant without any is not chance
    if (sum >= 20 * keys.length) for (const k of keys) if (users[k] === 0) gaps.push({ date, variant: k });
  }
  const recent = days.slice(Math.max(0, days.length - RECENT_DAYS));
  const recentDailyUsers = recent.length ? recent.reduce((a, d) => a + total(d.users), 0) / recent.length : null;
  const lastDate = days[days.length - 1]?.date;
  const silent = t.days - 1 - last;
  const empty = days.filter((d) => total(d.users) === 0).map((d) => d.date);
  const listed = empty.length <= 3 ? empty.join(", ") : `${empty.slice(0, 3).join(", ")} and ${empty.length - 3} more`;
  const note =
    days.length === 0
      ? "No users were exposed."
      : silent > 0
        ? `No new users in the last ${silent} day${silent === 1 ? "" : "s"} of the analysis (last on ${lastDate}).`
        : empty.length > 0
          ? `New users on ${days.length - empty.length} of ${days.length} days up to ${lastDate} (none on ${listed}).`
          : `New users every day up to ${lastDate}.`;
  return { level: gaps.length > 0 ? "warn" : "ok", days, recentDailyUsers, gaps, note };
}

function srmOf(stats: SufficientStats, users: Record<string, number>): SrmHealth {
  const n = total(users);
  const weights = stats.variants.reduce((a, v) => a + v.weight, 0);
  const { result } = srmCheck(stats.variants.map((v) => ({ id: v.key, weight: v.weight, users: users[v.key] ?? 0 })));
  return {
    level: result.pValue === null ? "unavailable" : result.mismatch ? "fail" : "ok",
    pValue: result.pValue,
    variants: stats.variants.map((v) => ({
      key: v.key,
      users: users[v.key] ?? 0,
      expectedShare: weights > 0 ? v.weight / weights : 0,
      observedShare: n > 0 ? (users[v.key] ?? 0) / n : null,
    })),
  };
}

/** Each dimension's values tested against the planned split, Bonferroni over the values. */
export function segmentSrm(stats: SufficientStats): SegmentSrmHealth[] {
  const dims = [...new Set(stats.slices.filter((s) => s.dimension !== "all").map((s) => s.dimension as SegmentDimension))];
  return dims.map((dimension) => {
    const slices = stats.slices.filter((s) => s.dimension === dimension);
    const threshold = SRM_THRESHOLD / Math.max(1, slices.length);
    const values = slices.map((s) => {
      const { result } = srmCheck(stats.variants.map((v) => ({ id: v.key, weight: v.weight, users: s.users[v.key] ?? 0 })));
      return { value: s.value, users: total(s.users), pValue: result.pValue, mismatch: result.pValue !== null && result.pValue < threshold };
    });
    const level: HealthLevel = values.some((v) => v.mismatch) ? "fail" : values.some((v) => v.pValue !== null) ? "ok" : "unavailable";
    return { dimension, label: SEGMENT_LABELS[dimension], level, threshold, values };
  });
}

export function multipleExposureHealth(stats: SufficientStats, all: Slice): MultipleExposureHealth {
  const analysed = total(all.users);
  const exposed = analysed + stats.excludedUsers;
  const share = exposed > 0 ? stats.excludedUsers / exposed : null;
  const level: HealthLevel = share === null ? "unavailable" : share >= MULTIPLE_EXPOSURE_FAIL ? "fail" : share >= MULTIPLE_EXPOSURE_WARN ? "warn" : "ok";
  return { level, excluded: stats.excludedUsers, exposed, share };
}

/**
 * The CUPED pre-period means compared across variants: before exposure nothing differs but
 * chance, so a difference means the assignment or the exposure logging depends on the users'
 * history. Welch tests, Holm-adjusted over every metric × treatment (the stats engine's own).
 */
export function biasHealth(stats: SufficientStats, all: Slice, control: string, alpha: number): BiasHealth {
  const metrics: MetricInput[] = [];
  const notChecked: string[] = [];
  for (const m of all.metrics) {
    if (m.type === "ratio") {
      const pre = Object.entries(m.data).map(([v, d]) => [v, d.n, d.covariate] as const);
      if (pre.some(([, , c]) => !c)) {
        notChecked.push(m.key);
        continue;
      }
      // the pre-period ratio Σx / Σw, compared by the delta method like the ratio itself
      metrics.push({
        key: m.key,
        type: "ratio",
        data: Object.fromEntries(
          pre.map(([v, n, c]) => [v, { n, sum: c!.sum, sumSquares: c!.sumSquares, denominatorSum: c!.denominatorSum, denominatorSumSquares: c!.denominatorSumSquares, sumProduct: c!.sumProduct }]),
        ),
      });
      continue;
    }
    if (m.type === "quantile" || Object.values(m.data).some((d) => !d.covariate)) {
      notChecked.push(m.key);
      continue;
    }
    metrics.push({
      key: m.key,
      type: "mean",
      data: Object.fromEntries(Object.entries(m.data).map(([v, d]) => [v, { n: d.n, sum: d.covariate!.sum, sumSquares: d.covariate!.sumSquares }])),
    });
  }
  if (metrics.length === 0) return { level: "unavailable", rows: [], notChecked };
  const answer = analyze({
    alpha,
    correction: "holm",
    control,
    variants: stats.variants.map((v) => ({ id: v.key, weight: v.weight, users: all.users[v.key] ?? 0 })),
    metrics,
  });
  const rows: BiasRow[] = answer.metrics.flatMap((m) => {
    const c = m.variants.find((v) => v.id === control);
    return m.variants
      .filter((v) => v.id !== control)
      .map((v) => {
        const adjusted = v.adjustedPValue ?? null;
        const level: HealthLevel = adjusted === null ? "unavailable" : adjusted < BIAS_THRESHOLD ? "fail" : adjusted < alpha ? "warn" : "ok";
        return {
          metric: m.key,
          variant: v.id,
          controlMean: c?.mean ?? null,
          variantMean: v.mean,
          relativeDifference: v.relative?.estimate ?? null,
          pValue: v.pValue ?? null,
          adjustedPValue: adjusted,
          level,
        };
      });
  });
  return { level: worst(rows.map((r) => r.level)), rows, notChecked };
}

function placeboRequest(split: PlaceboSplit, alpha: number, cuped: boolean) {
  return {
    alpha,
    control: "a",
    variants: PLACEBO_HALVES.map((h) => ({ id: h, weight: 1, users: split.users[h] })),
    metrics: split.metrics.map((m): MetricInput => {
      if (m.type === "ratio") {
        // the same view as the results: CUPED on ratios only when it is on
        const data = Object.fromEntries(Object.entries(m.data).map(([h, { covariate, ...d }]) => [h, cuped && covariate ? { ...d, covariate } : d]));
        return { key: m.key, type: "ratio", data };
      }
      if (m.type === "quantile") throw new Error("quantiles have no placebo split");
      return {
        key: m.key,
        type: m.type,
        data: Object.fromEntries(
          Object.entries(m.data).map(([h, d]) => {
            const base = { n: d.n, sum: d.sum, sumSquares: d.sumSquares };
            return [h, cuped && d.covariate ? { ...base, covariate: d.covariate } : base];
          }),
        ),
      };
    }),
  };
}

/** Rows of one slice's placebo A/A: half b against half a, each metric, fixed horizon, no correction. */
export function placeboRows(slice: Slice, alpha: number, cuped: boolean): PlaceboRow[] {
  const split = slice.placebo;
  if (!split || split.metrics.length === 0 || split.users.a < 2 || split.users.b < 2) return [];
  const answer = analyze(placeboRequest(split, alpha, cuped));
  return answer.metrics.map((m) => {
    const b = m.variants.find((v) => v.id === "b");
    const p = b?.pValue ?? null;
    return {
      slice: slice.id,
      metric: m.key,
      relative: { estimate: b?.relative?.estimate ?? null, ciLow: b?.relative?.ciLow ?? null, ciHigh: b?.relative?.ciHigh ?? null },
      pValue: p,
      found: p !== null && p < alpha,
    };
  });
}

/** P(X ≥ k) for X ~ Binomial(n, p) = I_p(k, n − k + 1), the regularized incomplete beta. */
export function binomialUpper(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return jStat.ibeta(p, k, n - k + 1);
}

/**
 * The placebo A/A: the control group split in two by a hash of the user id (in the same warehouse
 * statement), analysed like an experiment in every slice. Nothing differs between the halves, so
 * about α of the comparisons "find" an effect; many more means the setup (the metric's variance,
 * users in several rows, the test) finds effects that are not there.
 */
export function placeboHealth(stats: SufficientStats, alpha: number, cuped: boolean): PlaceboHealth {
  const all = stats.slices[0];
  const notChecked = stats.metrics.filter((m) => m.type === "quantile").map((m) => m.key);
  const empty: PlaceboHealth = { level: "unavailable", alpha, comparisons: 0, found: 0, rate: null, binomialP: null, overall: [], halves: { a: 0, b: 0 }, notChecked };
  if (!all?.placebo) return empty;
  const rows = stats.slices.flatMap((s) => placeboRows(s, alpha, cuped)).filter((r) => r.pValue !== null);
  const found = rows.filter((r) => r.found).length;
  const binomialP = rows.length > 0 ? binomialUpper(found, rows.length, alpha) : null;
  return {
    level: rows.length === 0 ? "unavailable" : binomialP !== null && binomialP < PLACEBO_WARN_P ? "warn" : "ok",
    alpha,
    comparisons: rows.length,
    found,
    rate: rows.length > 0 ? found / rows.length : null,
    binomialP,
    overall: placeboRows(all, alpha, cuped),
    halves: { ...all.placebo.users },
    notChecked,
  };
}

/** Every health check of a snapshot, for one view (α and CUPED; the checks use no correction of the view). */
export function healthOf(stats: SufficientStats, view: Pick<ViewOptions, "alpha" | "cuped">): Health {
  const all = stats.slices.find((s) => s.id === "all") ?? stats.slices[0];
  const control = stats.control;
  const traffic = trafficHealth(stats);
  const srm: SrmHealth = all ? srmOf(stats, all.users) : { level: "unavailable", pValue: null, variants: [] };
  const segments = segmentSrm(stats);
  const multipleExposure: MultipleExposureHealth = all ? multipleExposureHealth(stats, all) : { level: "unavailable", excluded: 0, exposed: 0, share: null };
  const bias: BiasHealth = all ? biasHealth(stats, all, control, view.alpha) : { level: "unavailable", rows: [], notChecked: [] };
  const placebo = placeboHealth(stats, view.alpha, view.cuped);
  return {
    level: worst([traffic.level, srm.level, ...segments.map((s) => s.level), multipleExposure.level, bias.level, placebo.level]),
    traffic,
    srm,
    segmentSrm: segments,
    multipleExposure,
    bias,
    placebo,
  };
}
