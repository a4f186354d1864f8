// What the SDK payload is built from: one running (or stopped) experiment's assignment settings in
// its current phase. Plain input types; the app maps its database rows onto them.
import { z } from "zod";
import { targetingCondition, type Condition } from "./condition-schema";

export const EXPERIMENT_STATUSES = ["draft", "running", "stopped"] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

// Keys travel in query strings (?key=1 forces a variation), sticky-bucket keys ("key__0") and the
// exposure log, so they stay plain.
const KEY = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const ATTRIBUTE = /^[A-Za-z0-9_-]+$/;

/** Any JSON value: what a variation serves to the client (a string, flag, number or object). */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const json: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)], { error: "expected a JSON value" }),
);

const key = (what: string, max: number) =>
  z
    .string({ error: `expected the ${what} as text` })
    .min(1, `give the ${what}`)
    .max(max, `the ${what} is at most ${max} characters`)
    .regex(KEY, `the ${what} uses letters, digits, and _ . : - (starting with a letter or digit)`);

const attributeName = z
  .string({ error: "expected an attribute name" })
  .regex(ATTRIBUTE, "an attribute name uses letters, digits, _ and - (hashing reads it directly, no dot paths)");

const unit = (what: string) =>
  z.number({ error: `expected the ${what} as a number` }).min(0, `the ${what} is between 0 and 1`).max(1, `the ${what} is between 0 and 1`);

const variation = z.strictObject({
  key: key("variation key", 64),
  name: z.string().max(200, "the variation name is at most 200 characters").optional(),
  /** served as the feature's value; defaults to the key */
  value: json.optional(),
});

export const experimentDefinition = z
  .strictObject({
    /** tracking key: the feature key, the rule key and the experiment_id of exposures */
    key: key("experiment key", 128),
    name: z.string().trim().min(1, "give the experiment a name").max(200, "the name is at most 200 characters"),
    status: z.enum(EXPERIMENT_STATUSES, { error: `expected status ${EXPERIMENT_STATUSES.join(", ")}` }),
    /** the first one is the control: served to everybody not in the experiment */
    variations: z.array(variation, { error: "expected a list of variations" }).min(2, "an experiment needs at least 2 variations"),
    /** relative traffic per variation (any non-negative numbers with a positive sum; normalised); equal when absent */
    weights: z.array(z.number({ error: "expected a number" }).min(0, "a weight cannot be negative")).optional(),
    /** share of eligible users that take part (0–1) */
    coverage: unit("coverage").default(1),
    hashAttribute: attributeName.default("id"),
    /** hashing seed; defaults to the key. A new seed re-randomises everybody. */
    seed: z.string().min(1, "the seed cannot be empty").max(200, "the seed is at most 200 characters").optional(),
    /** [namespace id, start, end): experiments of one namespace with disjoint ranges never share a user */
    namespace: z
      .tuple([key("namespace id", 64), unit("namespace start"), unit("namespace end")], { error: "expected [namespace id, start, end]" })
      .refine(([, start, end]) => start < end, { message: "the namespace range needs start < end", path: [2] })
      .optional(),
    condition: targetingCondition.optional(),
    /** number of the current phase (0, 1, …); the payload carries it as text like GrowthBook does */
    phase: z.number().int("the phase is a whole number").min(0, "the phase is 0 or more").optional(),
    sticky: z
      .strictObject({
        /** bumping it re-buckets users whose sticky assignment came from an older version */
        bucketVersion: z.number().int().min(0).optional(),
        /** users bucketed before this version are excluded from the experiment */
        minBucketVersion: z.number().int().min(0).optional(),
        /** attribute used for sticky lookups when the hash attribute is missing (e.g. anonymous id before login) */
        fallbackAttribute: attributeName.optional(),
        /** opt this experiment out of sticky bucketing */
        disabled: z.boolean().optional(),
      })
      .refine((s) => (s.minBucketVersion ?? 0) <= (s.bucketVersion ?? 0), {
        message: "minBucketVersion cannot exceed bucketVersion",
        path: ["minBucketVersion"],
      })
      .optional(),
  })
  .superRefine((d, ctx) => {
    const keys = d.variations.map((v) => v.key);
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i) ctx.addIssue({ code: "custom", path: ["variations", i, "key"], message: `duplicate variation key "${k}"` });
    });
    if (d.weights) {
      if (d.weights.length !== d.variations.length) {
        ctx.addIssue({ code: "custom", path: ["weights"], message: `expected ${d.variations.length} weights, one per variation (got ${d.weights.length})` });
      } else if (!(d.weights.reduce((a, b) => a + b, 0) > 0)) {
        ctx.addIssue({ code: "custom", path: ["weights"], message: "the weights must add up to more than 0" });
      }
    }
  });

export type ExperimentDefinitionInput = z.input<typeof experimentDefinition>;
export type ExperimentDefinition = z.output<typeof experimentDefinition> & { condition?: Condition };

export interface DefinitionError {
  /** "experiments[2] (checkout-redesign).weights" */
  path: string;
  message: string;
}

export class InvalidDefinitionsError extends Error {
  constructor(readonly errors: DefinitionError[]) {
    super(`invalid experiment definitions: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
    this.name = "InvalidDefinitionsError";
  }
}

const pathText = (path: readonly PropertyKey[]) => path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");

/** Two running experiments in one namespace must not share any part of it. */
function namespaceOverlaps(definitions: ExperimentDefinition[]): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const running = definitions.map((d, i) => ({ d, i })).filter(({ d }) => d.status === "running" && d.namespace);
  for (let a = 0; a < running.length; a++) {
    for (let b = a + 1; b < running.length; b++) {
      const [idA, startA, endA] = running[a]!.d.namespace!;
      const [idB, startB, endB] = running[b]!.d.namespace!;
      if (idA === idB && startA < endB && startB < endA) {
        errors.push({
          path: `experiments[${running[b]!.i}] (${running[b]!.d.key}).namespace`,
          message: `range [${startB}, ${endB}) of namespace "${idB}" overlaps [${startA}, ${endA}) of ${running[a]!.d.key}: running experiments of one namespace need disjoint ranges`,
        });
      }
    }
  }
  return errors;
}

/** Validates a list of experiments: each one, unique keys, disjoint namespace ranges. */
export function parseExperimentDefinitions(
  input: readonly unknown[],
): { ok: true; definitions: ExperimentDefinition[] } | { ok: false; errors: DefinitionError[] } {
  const errors: DefinitionError[] = [];
  const definitions: ExperimentDefinition[] = [];
  input.forEach((item, i) => {
    const result = experimentDefinition.safeParse(item);
    const label = (k: unknown) => `experiments[${i}]${typeof k === "string" && k ? ` (${k})` : ""}`;
    if (result.success) definitions.push(result.data as ExperimentDefinition);
    else {
      const k = typeof item === "object" && item !== null ? (item as { key?: unknown }).key : undefined;
      for (const issue of result.error.issues) errors.push({ path: label(k) + pathText(issue.path), message: issue.message });
    }
  });
  if (errors.length) return { ok: false, errors };
  const seen = new Map<string, number>();
  definitions.forEach((d, i) => {
    const first = seen.get(d.key);
    if (first !== undefined) errors.push({ path: `experiments[${i}] (${d.key}).key`, message: `the key "${d.key}" is also used by experiments[${first}]` });
    else seen.set(d.key, i);
  });
  errors.push(...namespaceOverlaps(definitions));
  return errors.length ? { ok: false, errors } : { ok: true, definitions };
}

/** Weights as shares that add up to 1 (GrowthBook falls back to equal weights outside 0.99–1.01). */
export function normalisedWeights(d: Pick<ExperimentDefinition, "variations" | "weights">): number[] {
  const raw = d.weights ?? d.variations.map(() => 1);
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
}
