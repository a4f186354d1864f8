/**
 * The analysis computed naively in JS from raw rows: the independent reference the warehouse's
 * statements are checked against (fine for a few thousand users; the product never pulls
 * per-user rows). Written from the definitions in the metric-file API and the README, not from
 * the SQL under test.
 */
import type { AnalysisPlan } from "@/lib/analysis/analysis-plan";
import { getMetric, getSource, sourceColumns, valueColumn } from "@/lib/metrics/catalog";
import type { EventMetric, Filter, MetricDefinition, SourceDefinition } from "@/lib/metrics/define";
import type { Row } from "@/lib/warehouse/types";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const ms = (iso: unknown) => new Date(String(iso).replace(" ", "T") + (/[zZ]|[+-]\d\d:?\d\d$/.test(String(iso)) ? "" : "Z")).getTime();

export interface World {
  exposures: Row[];
  users: Row[];
  /** rows of each source table, by source key */
  sources: Record<string, Row[]>;
}

export interface CohortUser {
  id: number;
  variant: string;
  first: number;
  windowEnd: number;
  platform: string;
  country: string;
  signup: string | null;
  /** segment values (top N + other, as the analysis caps them) */
  segments: Record<string, string>;
}

/** R's default quantile (type 7): linear interpolation between order statistics. */
export function quantile7(sorted: number[], p: number): number {
  if (sorted.length === 0) return Infinity;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? 0) - sorted[lo]!);
}

/** The cohort: each user's first exposure in the dates, users seen in several variants excluded. */
export function cohortOf(plan: AnalysisPlan, world: World): { users: CohortUser[]; excluded: number } {
  const start = ms(`${plan.startDate}T00:00:00Z`);
  const end = ms(`${plan.endDate}T00:00:00Z`) + DAY;
  const seen = new Map<number, { variants: Set<string>; first: number; platform: string; country: string }>();
  for (const e of world.exposures) {
    const t = ms(e.exposed_at);
    if (e.experiment_id !== plan.experimentKey || t < start || t >= end || !plan.variants.includes(String(e.variant))) continue;
    const u = seen.get(Number(e.user_id)) ?? { variants: new Set<string>(), first: Infinity, platform: "", country: "" };
    u.variants.add(String(e.variant));
    if (t < u.first) {
      u.first = t;
      u.platform = String(e.platform);
      u.country = String(e.country);
    }
    seen.set(Number(e.user_id), u);
  }
  const signup = new Map(world.users.map((u) => [Number(u.user_id), u.signup_date === null ? null : String(u.signup_date).slice(0, 10)]));
  const kept = [...seen].filter(([, u]) => u.variants.size === 1);
  const top = (dim: "platform" | "country") => {
    const counts = new Map<string, number>();
    for (const [, u] of kept) counts.set(u[dim], (counts.get(u[dim]) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, plan.segmentLimit).map(([v]) => v);
  };
  const tops = { platform: top("platform"), country: top("country") };
  const users = kept.map(([id, u]): CohortUser => {
    const s = signup.get(id) ?? null;
    return {
      id,
      variant: [...u.variants][0]!,
      first: u.first,
      windowEnd: plan.windowDays === null ? end : Math.min(u.first + plan.windowDays * DAY, end),
      platform: u.platform,
      country: u.country,
      signup: s,
      segments: {
        platform: tops.platform.includes(u.platform) ? u.platform : "other",
        country: tops.country.includes(u.country) ? u.country : "other",
        user_type: s === null ? "unknown" : s >= plan.startDate ? "new" : "existing",
      },
    };
  });
  return { users, excluded: [...seen.values()].filter((u) => u.variants.size > 1).length };
}

function passes(f: Filter, v: unknown): boolean {
  if (f.op === "is null") return v === null || v === undefined;
  if (f.op === "is not null") return !(v === null || v === undefined);
  if (v === null || v === undefined) return false; // SQL: a comparison with NULL is not true
  const list = Array.isArray(f.value) ? f.value : [f.value];
  const eq = (a: unknown, b: unknown) => (typeof b === "number" ? Number(a) === b : String(a) === String(b));
  switch (f.op) {
    case "=": return eq(v, f.value);
    case "!=": return !eq(v, f.value);
    case "<": return Number(v) < Number(f.value);
    case "<=": return Number(v) <= Number(f.value);
    case ">": return Number(v) > Number(f.value);
    case ">=": return Number(v) >= Number(f.value);
    case "in": return list.some((x) => eq(v, x));
    case "not in": return !list.some((x) => eq(v, x));
  }
}

export function windowOf(m: EventMetric): { from: number; to: number | null } {
  const w = m.window;
  if (!w) return { from: 0, to: null };
  if (w.fromHours !== undefined || w.toHours !== undefined) return { from: (w.fromHours ?? 0) * HOUR, to: w.toHours === undefined ? null : w.toHours * HOUR };
  return { from: (w.fromDay ?? 0) * DAY, to: w.toDay === undefined ? null : w.toDay * DAY };
}

/** The rows of the user's source rows that the metric selects (events, filters), whatever the time. */
export function selected(m: EventMetric, s: SourceDefinition, rows: readonly Row[]): Row[] {
  return rows.filter((r) => (!m.events || m.events.includes(String(r[s.eventName!]))) && (m.where ?? []).every((f) => passes(f, r[f.column])));
}

export function isEligible(m: EventMetric, u: CohortUser): boolean {
  const { to } = windowOf(m);
  return to === null || u.first + to <= u.windowEnd;
}

export interface PerUser {
  value: number;
  hit: number;
  preValue: number;
  preHit: number;
  eligible: number;
}

/** One user's value of a declarative metric: in its window after exposure, and over the lookback before it. */
export function declarativeValue(m: EventMetric, s: SourceDefinition, u: CohortUser, rows: readonly Row[], lookbackDays: number): PerUser {
  const mine = selected(m, s, rows);
  const { from, to } = windowOf(m);
  const amount = (hits: Row[]) => {
    if (m.aggregate === "count") return hits.length;
    if (m.aggregate === "days") return new Set(hits.map((r) => String(r[s.date]).slice(0, 10))).size;
    const c = valueColumn(m, s)!;
    return hits.reduce((a, r) => a + Number(r[c] ?? 0), 0);
  };
  const post = mine.filter((r) => {
    const t = ms(r[s.timestamp]);
    return t >= u.first + from && (to === null || t < u.first + to) && t < u.windowEnd;
  });
  const pre = mine.filter((r) => {
    const t = ms(r[s.timestamp]);
    return t >= u.first - lookbackDays * DAY && t < u.first;
  });
  return { value: amount(post), hit: post.length > 0 ? 1 : 0, preValue: amount(pre), preHit: pre.length > 0 ? 1 : 0, eligible: isEligible(m, u) ? 1 : 0 };
}

export type Values = Map<number, Map<string, PerUser>>;

/** Rows of each source per user. */
export function rowsByUser(world: World, source: SourceDefinition): Map<number, Row[]> {
  const out = new Map<number, Row[]>();
  for (const r of world.sources[source.key] ?? []) {
    const id = Number(r[source.userId]);
    const list = out.get(id);
    if (list) list.push(r);
    else out.set(id, [r]);
  }
  return out;
}

/** Per user: every declarative metric's values (zeroed when not eligible), capped as the metric says. */
export function perUserValues(plan: AnalysisPlan, world: World, users: CohortUser[], metrics: readonly EventMetric[]): Values {
  const out: Values = new Map(users.map((u) => [u.id, new Map()]));
  for (const m of metrics) {
    const s = getSource(plan.catalog, m.source);
    const byUser = rowsByUser(world, s);
    for (const u of users) {
      const v = declarativeValue(m, s, u, byUser.get(u.id) ?? [], plan.covariateLookbackDays);
      const e = v.eligible;
      out.get(u.id)!.set(m.key, { value: v.value * e, hit: v.hit * e, preValue: v.preValue * e, preHit: v.preHit * e, eligible: e });
    }
    // winsorize as the README says: the percentile (R type 7) of the non-zero values of all cohort users
    const { upper, lower } = m.statistic === "mean" ? (m.capping ?? {}) : {};
    if (!upper && !lower) continue;
    for (const field of ["value", "preValue"] as const) {
      const nonZero = users.map((u) => out.get(u.id)!.get(m.key)![field]).filter((v) => v !== 0).sort((a, b) => a - b);
      const hi = upper ? (upper.type === "absolute" ? upper.value : quantile7(nonZero, upper.value)) : Infinity;
      const lo = lower ? (lower.type === "absolute" ? lower.value : quantile7(nonZero, lower.value)) : -Infinity;
      for (const u of users) {
        const pu = out.get(u.id)!.get(m.key)!;
        const v = pu[field];
        const floored = lower?.type === "percentile" && v === 0 ? v : Math.max(v, lo);
        pu[field] = Math.min(floored, hi);
      }
    }
  }
  return out;
}

export type Sums = Record<string, number>;

/** A slice predicate: which users belong to it. */
export type InSlice = (u: CohortUser) => boolean;

/** The sums the aggregates report for each metric, per variant, over the users of a slice. */
export function expectedSums(plan: AnalysisPlan, users: CohortUser[], values: Values, inSlice: InSlice = () => true): Map<string, { users: number; metrics: Record<string, Sums> }> {
  const out = new Map<string, { users: number; metrics: Record<string, Sums> }>();
  for (const u of users) {
    if (!inSlice(u)) continue;
    const acc = out.get(u.variant) ?? { users: 0, metrics: {} };
    acc.users += 1;
    const add = (key: string, field: string, v: number) => {
      const m = (acc.metrics[key] ??= {});
      m[field] = (m[field] ?? 0) + v;
    };
    for (const m of plan.metrics) {
      if (m.kind === "ratio") {
        const a = values.get(u.id)!.get(m.numerator)!;
        const b = values.get(u.id)!.get(m.denominator)!;
        const wa = a.value * b.eligible;
        const wb = b.value * a.eligible;
        add(m.key, "n", a.eligible * b.eligible);
        add(m.key, "sum", wa);
        add(m.key, "sumSquares", wa * wa);
        add(m.key, "denominatorSum", wb);
        add(m.key, "denominatorSumSquares", wb * wb);
        add(m.key, "sumProduct", wa * wb);
        if (plan.covariateLookbackDays > 0) {
          // CUPED: each part's own pre-exposure value, gated like the post-exposure one
          const xa = a.preValue * b.eligible;
          const xb = b.preValue * a.eligible;
          add(m.key, "covariate.sum", xa);
          add(m.key, "covariate.sumSquares", xa * xa);
          add(m.key, "covariate.denominatorSum", xb);
          add(m.key, "covariate.denominatorSumSquares", xb * xb);
          add(m.key, "covariate.sumProduct", xa * xb);
          add(m.key, "covariate.numeratorPreNumerator", wa * xa);
          add(m.key, "covariate.numeratorPreDenominator", wa * xb);
          add(m.key, "covariate.denominatorPreNumerator", wb * xa);
          add(m.key, "covariate.denominatorPreDenominator", wb * xb);
        }
        continue;
      }
      if (m.kind === "events" && m.statistic === "quantile") continue;
      const v = values.get(u.id)!.get(m.key)!;
      const y = m.statistic === "proportion" ? v.hit : v.value;
      const x = m.statistic === "proportion" ? v.preHit : v.preValue;
      add(m.key, "n", v.eligible);
      add(m.key, "sum", y);
      add(m.key, "sumSquares", y * y);
      add(m.key, "xsum", x);
      add(m.key, "xsumsq", x * x);
      add(m.key, "xysum", x * y);
    }
    out.set(u.variant, acc);
  }
  return out;
}

/** The metrics whose per-user values the aggregates need (reported ones and ratio parts). */
export function declarativeParts(plan: AnalysisPlan): EventMetric[] {
  const out = new Map<string, EventMetric>();
  const add = (m: MetricDefinition) => {
    if (m.kind === "events") out.set(m.key, m);
  };
  for (const m of plan.metrics) {
    if (m.kind === "ratio") {
      add(getMetric(plan.catalog, m.numerator));
      add(getMetric(plan.catalog, m.denominator));
    } else add(m);
  }
  return [...out.values()];
}

// ---- quantiles ----

/** The order statistic the analysis calls the sample p-quantile: x₍k₎, k = max(1, ⌈n·p⌉). */
export function rankOf(n: number, level: number): number {
  return Math.max(1, Math.ceil(n * level - 1e-9));
}

export interface ExpectedQuantile {
  n: number;
  users: number;
  estimate: number;
  lower: number | null;
  upper: number | null;
  effectiveN: number | null;
  sums?: { sumI: number; sumII: number; sumMM: number; sumIM: number };
}

function bracket(sorted: number[], p: number, z: number, effectiveN: number | null) {
  if (effectiveN === null || !(effectiveN > 0)) return { lower: null, upper: null };
  const half = z * Math.sqrt((p * (1 - p)) / effectiveN);
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  return { lower: sorted[rankOf(sorted.length, clamp(p - half)) - 1]!, upper: sorted[rankOf(sorted.length, clamp(p + half)) - 1]! };
}

/** A user-level quantile: of each user's value (zeros in, unless ignoreZeros), n = users. */
export function userQuantile(values: number[], p: number, z: number): ExpectedQuantile {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return { n, users: n, estimate: sorted[rankOf(n, p) - 1]!, effectiveN: n, ...bracket(sorted, p, z, n) };
}

/**
 * An event-level quantile over rows grouped by user: n = rows; n* = p(1−p)/Var̂(p̂) with
 * p̂ = ΣI/ΣM and Var̂(p̂) = (s²_I − 2p̂·s_IM + p̂²·s²_M)/(U·M̄²) over the U users (delta method).
 */
export function eventQuantile(byUser: number[][], p: number, z: number): ExpectedQuantile {
  const sorted = byUser.flat().sort((a, b) => a - b);
  const n = sorted.length;
  const estimate = sorted[rankOf(n, p) - 1]!;
  const I = byUser.map((vs) => vs.filter((v) => v <= estimate).length);
  const M = byUser.map((vs) => vs.length);
  const U = byUser.length;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const sumI = sum(I);
  const sumII = sum(I.map((i) => i * i));
  const sumMM = sum(M.map((m) => m * m));
  const sumIM = sum(I.map((i, k) => i * M[k]!));
  let effectiveN: number | null = null;
  if (U >= 2) {
    const meanI = sumI / U;
    const meanM = n / U;
    const varI = (sumII - U * meanI * meanI) / (U - 1);
    const varM = (sumMM - U * meanM * meanM) / (U - 1);
    const cov = (sumIM - U * meanI * meanM) / (U - 1);
    const pHat = sumI / n;
    const varP = (varI - 2 * pHat * cov + pHat * pHat * varM) / (U * meanM * meanM);
    effectiveN = varP > 0 ? (p * (1 - p)) / varP : null;
  }
  return { n, users: U, estimate, effectiveN, ...bracket(sorted, p, z, effectiveN), sums: { sumI, sumII, sumMM, sumIM } };
}

/** The values an event-level quantile ranks, per user: selected rows in the window, non-null values. */
export function eventValues(m: EventMetric, s: SourceDefinition, u: CohortUser, rows: readonly Row[]): number[] {
  if (!isEligible(m, u)) return [];
  const { from, to } = windowOf(m);
  const c = valueColumn(m, s)!;
  if (!(c in sourceColumns(s))) throw new Error(`no column ${c}`);
  return selected(m, s, rows)
    .filter((r) => {
      const t = ms(r[s.timestamp]);
      return t >= u.first + from && (to === null || t < u.first + to) && t < u.windowEnd && r[c] !== null && r[c] !== undefined;
    })
    .map((r) => Number(r[c]));
}

/** Relative closeness for sums of doubles added in another order. */
export function close(actual: number | null | undefined, expected: number | null | undefined, rel = 1e-9): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  return Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected));
}
