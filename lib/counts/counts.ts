// Counts input (issue 13, ABBA's results from counts typed in by hand): an experiment whose data
// are per-variant counts, typed into the form or posted, analysed by the same engine and shown on
// the same page as warehouse experiments. The counts become the sufficient statistics a warehouse
// analysis would have produced for one slice (all users), so every number downstream (SRM, lifts,
// intervals, the Bayesian view) comes from the one path.
import { z } from "zod";
import { METRIC_KEY } from "@/lib/metrics/schema";
import { VARIANT_KEY } from "@/lib/analysis/experiment-rules";
import type { MetricMeta, SliceMetric, SufficientStats } from "@/lib/analysis/sufficient-stats";
import type { MeanSums } from "@/lib/analysis/sums";

const count = (what: string) => z.number({ error: `expected ${what} as a whole number` }).int(`${what} must be a whole number`).min(0, `${what} cannot be negative`).max(1e12, `${what} is too large`);
const finite = (what: string) => z.number({ error: `expected ${what} as a number` }).refine(Number.isFinite, `${what} must be a finite number`);

/** A conversion metric's cell: users (the variant's when absent) and how many of them converted. */
const proportionCell = z.strictObject({ users: count("users").optional(), conversions: count("conversions") });
/** A mean metric's cell: n users (the variant's when absent), their mean and sample standard deviation. */
const meanCell = z.strictObject({ n: count("n").optional(), mean: finite("the mean"), sd: finite("the standard deviation").refine((v) => v >= 0, "the standard deviation cannot be negative") });

export const countsInputSchema = z
  .strictObject({
    /** the experiment's name (needed when the post creates it) */
    name: z.string().trim().min(1).max(120).optional(),
    hypothesis: z.string().trim().max(2000).optional(),
    /** the control's key (default: the first variant) */
    control: z.string().optional(),
    variants: z
      .array(
        z.strictObject({
          key: z.string().regex(VARIANT_KEY, "a variant key: lower-case letters, digits, _ or - (e.g. treatment)"),
          name: z.string().trim().max(80).optional(),
          /** the planned share (any positive scale; equal when absent) */
          weight: z.number().positive("a weight must be more than 0").optional(),
          /** users in the variant (for the SRM check; taken from the metrics when absent) */
          users: count("users").optional(),
        }),
        { error: "expected a list of variants" },
      )
      .min(2, "an experiment needs at least two variants")
      .max(10, "at most 10 variants"),
    metrics: z
      .array(
        z.strictObject({
          key: z.string().regex(METRIC_KEY, "a metric key: lower_snake_case letters, digits and _"),
          name: z.string().trim().max(120).optional(),
          /** proportion: users and conversions; mean: n, mean and sd */
          type: z.enum(["proportion", "mean"], { error: 'type must be "proportion" or "mean"' }),
          role: z.enum(["primary", "secondary", "guardrail"], { error: "role must be primary, secondary or guardrail" }).default("primary"),
          higherIsBetter: z.boolean().default(true),
          unit: z.enum(["count", "currency", "days", "percent"]).optional(),
          description: z.string().max(500).optional(),
          data: z.record(z.string(), z.unknown(), { error: "expected data by variant key" }),
        }),
        { error: "expected a list of metrics" },
      )
      .min(1, "give at least one metric")
      .max(40, "at most 40 metrics"),
  })
  .superRefine((input, ctx) => {
    const keys = input.variants.map((v) => v.key);
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i) ctx.addIssue({ code: "custom", path: ["variants", i, "key"], message: `variant key "${k}" is used twice` });
    });
    if (input.control !== undefined && !keys.includes(input.control)) ctx.addIssue({ code: "custom", path: ["control"], message: "the control must be one of the variants" });
    const metricKeys = input.metrics.map((m) => m.key);
    metricKeys.forEach((k, i) => {
      if (metricKeys.indexOf(k) !== i) ctx.addIssue({ code: "custom", path: ["metrics", i, "key"], message: `metric key "${k}" is used twice` });
    });
    if (!input.metrics.some((m) => m.role === "primary")) ctx.addIssue({ code: "custom", path: ["metrics"], message: "make at least one metric primary" });
    input.metrics.forEach((m, i) => {
      for (const extra of Object.keys(m.data).filter((k) => !keys.includes(k))) {
        ctx.addIssue({ code: "custom", path: ["metrics", i, "data", extra], message: `"${extra}" is not one of the variants` });
      }
      for (const key of keys) {
        const cell = m.data[key];
        if (cell === undefined) {
          ctx.addIssue({ code: "custom", path: ["metrics", i, "data", key], message: "missing: give counts for every variant" });
          continue;
        }
        const r = (m.type === "proportion" ? proportionCell : meanCell).safeParse(cell);
        if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: "custom", path: ["metrics", i, "data", key, ...issue.path], message: issue.message });
      }
    });
  });

export type CountsInput = z.input<typeof countsInputSchema>;
export type ParsedCounts = z.output<typeof countsInputSchema>;

export interface CountsError {
  path: string;
  message: string;
}

const pathText = (path: readonly PropertyKey[]) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");

/** The counts as sufficient statistics, or every problem named by its path (e.g. "metrics[1].data.control.sd"). */
export function countsToStats(input: unknown): { ok: true; counts: ParsedCounts; stats: SufficientStats } | { ok: false; errors: CountsError[] } {
  const parsed = countsInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => ({ path: pathText(i.path), message: i.message })) };
  const c = parsed.data;
  const errors: CountsError[] = [];
  const control = c.control ?? c.variants[0]!.key;

  // users per variant: given, or the metrics' (which must then agree)
  const users: Record<string, number> = {};
  c.variants.forEach((v, vi) => {
    const fromMetrics = new Set<number>();
    for (const m of c.metrics) {
      const cell = m.data[v.key] as { users?: number; n?: number };
      const n = m.type === "proportion" ? cell.users : cell.n;
      if (n !== undefined) fromMetrics.add(n);
    }
    if (v.users !== undefined) users[v.key] = v.users;
    else if (fromMetrics.size === 1) users[v.key] = [...fromMetrics][0]!;
    else if (fromMetrics.size === 0) errors.push({ path: `variants[${vi}].users`, message: "give the users of this variant" });
    else errors.push({ path: `variants[${vi}].users`, message: `the metrics give different numbers of users (${[...fromMetrics].join(", ")}): give the users of this variant` });
  });
  if (errors.length > 0) return { ok: false, errors };

  const metrics: SliceMetric[] = c.metrics.map((m, mi) => {
    const data: Record<string, MeanSums> = {};
    for (const v of c.variants) {
      if (m.type === "proportion") {
        const cell = m.data[v.key] as { users?: number; conversions: number };
        const n = cell.users ?? users[v.key]!;
        if (cell.conversions > n) errors.push({ path: `metrics[${mi}].data.${v.key}.conversions`, message: `more conversions (${cell.conversions}) than users (${n})` });
        // a 0/1 outcome: Σy = Σy² = conversions
        data[v.key] = { n, sum: cell.conversions, sumSquares: cell.conversions };
      } else {
        const cell = m.data[v.key] as { n?: number; mean: number; sd: number };
        const n = cell.n ?? users[v.key]!;
        // Σy = n·x̄ and Σy² = (n − 1)·s² + n·x̄² (the sample variance s² = (Σy² − (Σy)²/n) / (n − 1))
        data[v.key] = { n, sum: n * cell.mean, sumSquares: Math.max(0, n - 1) * cell.sd ** 2 + n * cell.mean ** 2 };
      }
    }
    return { key: m.key, type: m.type, data };
  });
  if (errors.length > 0) return { ok: false, errors };

  const meta: MetricMeta[] = c.metrics.map((m) => ({
    key: m.key,
    name: m.name || m.key,
    description: m.description ?? "",
    type: m.type,
    unit: m.unit ?? "count",
    higherIsBetter: m.higherIsBetter,
  }));
  return {
    ok: true,
    counts: c,
    stats: {
      version: 3,
      excludedUsers: 0,
      control,
      variants: c.variants.map((v) => ({ key: v.key, weight: v.weight ?? 1 })),
      metrics: meta,
      slices: [{ id: "all", dimension: "all", value: "all", users, metrics }],
    },
  };
}
