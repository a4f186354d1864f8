// Stored statistics crafted from a few numbers (users, means, spreads, pre-period means), so tests
// can build the documents the UI derives everything from, without a warehouse.
import type { Role } from "@/lib/analysis/experiments";
import { resultsFromStats, type ResultsDocument } from "@/lib/analysis/results-document";
import type { ViewOptions } from "@/lib/analysis/stats-request";
import { DEFAULT_VIEW } from "@/lib/analysis/stats-request";
import type { MetricMeta, Slice, SliceMetric, SufficientStats } from "@/lib/analysis/sufficient-stats";
import type { MeanSums } from "@/lib/analysis/sums";

export interface ArmNumbers {
  /** mean (or rate, for proportions) */
  mean: number;
  /** per-user standard deviation (means only) */
  sd?: number;
  /** pre-exposure mean of the same metric (CUPED covariate); absent = no covariate */
  pre?: number;
  /** users counted for the metric (defaults to the variant's users) */
  n?: number;
}

export interface CraftedMetric {
  key: string;
  name?: string;
  role: Role;
  type: "mean" | "proportion";
  higherIsBetter?: boolean;
  unit?: MetricMeta["unit"];
  currency?: string;
  arms: Record<string, ArmNumbers>;
}

export interface CraftedExperiment {
  variants: { key: string; name?: string; weight?: number; users: number }[];
  metrics: CraftedMetric[];
  excludedUsers?: number;
  /** segment slices: dimension → value → users per variant (metrics copied from the whole population, scaled) */
  segments?: Partial<Record<"platform" | "country" | "user_type", Record<string, Record<string, number>>>>;
  plannedMde?: number;
  /** users first exposed per day (all days equal), for the traffic check */
  dailyUsers?: number;
  days?: number;
}

/** Σy, Σy² from a mean and a standard deviation; the covariate uses the same spread and ρ = 0.5. */
export function meanSums(type: "mean" | "proportion", n: number, arm: ArmNumbers): MeanSums {
  const sd = type === "proportion" ? Math.sqrt(arm.mean * (1 - arm.mean) * (n / Math.max(1, n - 1))) : (arm.sd ?? 1);
  const sum = n * arm.mean;
  const sumSquares = type === "proportion" ? sum : (n - 1) * sd * sd + n * arm.mean * arm.mean;
  if (arm.pre === undefined) return { n, sum, sumSquares };
  const sdx = type === "proportion" ? Math.sqrt(arm.pre * (1 - arm.pre)) : sd;
  const rho = type === "proportion" ? 0 : 0.5;
  const covariate = {
    sum: n * arm.pre,
    sumSquares: type === "proportion" ? n * arm.pre : (n - 1) * sdx * sdx + n * arm.pre * arm.pre,
    sumProduct: (n - 1) * rho * sd * sdx + n * arm.mean * arm.pre,
  };
  return { n, sum, sumSquares, covariate };
}

function sliceOf(c: CraftedExperiment, id: string, dimension: Slice["dimension"], value: string, users: Record<string, number>): Slice {
  const scale = (v: string) => (users[v] ?? 0) / (c.variants.find((x) => x.key === v)!.users || 1);
  const metrics: SliceMetric[] = c.metrics.map((m) => ({
    key: m.key,
    type: m.type,
    data: Object.fromEntries(
      c.variants.map((v) => {
        const arm = m.arms[v.key] ?? m.arms[c.variants[0]!.key]!;
        const n = Math.round((arm.n ?? v.users) * scale(v.key));
        return [v.key, meanSums(m.type, n, arm)];
      }),
    ),
  }));
  return { id, dimension, value, users, metrics };
}

export function craftStats(c: CraftedExperiment): SufficientStats {
  const all = Object.fromEntries(c.variants.map((v) => [v.key, v.users]));
  const slices: Slice[] = [sliceOf(c, "all", "all", "all", all)];
  for (const [dim, values] of Object.entries(c.segments ?? {})) {
    for (const [value, users] of Object.entries(values)) slices.push(sliceOf(c, `${dim}:${value}`, dim as Slice["dimension"], value, users));
  }
  const days = c.days ?? 14;
  const total = c.variants.reduce((a, v) => a + v.users, 0);
  const perDay = c.dailyUsers ?? total / days;
  return {
    version: 3,
    excludedUsers: c.excludedUsers ?? 0,
    control: c.variants[0]!.key,
    variants: c.variants.map((v) => ({ key: v.key, weight: v.weight ?? 1 })),
    metrics: c.metrics.map((m) => ({
      key: m.key,
      name: m.name ?? m.key,
      description: "",
      type: m.type,
      unit: m.unit ?? "count",
      ...(m.currency ? { currency: m.currency } : {}),
      higherIsBetter: m.higherIsBetter ?? true,
    })),
    slices,
    traffic: {
      startDate: "2026-10-01",
      days,
      points: Array.from({ length: days }, (_, x) => ({
        x,
        users: Object.fromEntries(c.variants.map((v) => [v.key, Math.round((perDay * (v.weight ?? 1)) / c.variants.reduce((a, w) => a + (w.weight ?? 1), 0))])),
      })),
    },
  };
}

export function craftedDocument(c: CraftedExperiment, view: Partial<ViewOptions> = {}, analysed = true): ResultsDocument {
  const stats = craftStats(c);
  const exp = {
    id: "crafted",
    name: "Crafted",
    hypothesis: "",
    owner: "",
    status: "running",
    startDate: "2026-10-01",
    endDate: null,
    controlVariant: c.variants[0]!.key,
    plannedMde: c.plannedMde ?? 0.05,
    archivedAt: null,
    variants: c.variants.map((v, i) => ({ id: i, experimentId: "crafted", key: v.key, name: v.name ?? v.key, weight: v.weight ?? 1, position: i })),
    metrics: c.metrics.map((m, i) => ({ id: i, experimentId: "crafted", metricKey: m.key, role: m.role, position: i })),
  };
  const snapshot = {
    id: 1,
    number: 1,
    status: "succeeded",
    warehouse: "duckdb",
    startedAt: "2026-10-15T00:00:00.000Z",
    finishedAt: "2026-10-15T00:00:01.000Z",
    durationMs: 1000,
    bytesProcessed: null,
    rowCount: 10,
    error: null,
  };
  return resultsFromStats(exp, analysed ? stats : null, { snapshot: analysed ? snapshot : null, lastFailure: null }, { ...DEFAULT_VIEW, ...view });
}
