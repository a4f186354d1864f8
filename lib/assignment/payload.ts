// The features payload served at GET /api/features/<client-key>: each experiment is a feature
// (key = the experiment key) with one experiment rule, in the format GrowthBook's SDKs load as is.
import type { ConditionInterface, FeatureApiResponse, FeatureDefinition, FeatureRule } from "@growthbook/growthbook";
import { InvalidDefinitionsError, normalisedWeights, parseExperimentDefinitions, type ExperimentDefinition } from "./definition";

/** GrowthBook's unbiased hash: fnv1a32(str(fnv1a32(seed + id))) % 10000 / 10000 (the SDK's hash version 2). */
export const HASH_VERSION = 2;

export interface ExperimentRule {
  key: string;
  variations: unknown[];
  weights: number[];
  coverage: number;
  hashAttribute: string;
  seed: string;
  hashVersion: typeof HASH_VERSION;
  name: string;
  meta: { key: string; name: string }[];
  namespace?: [string, number, number];
  /** validated by condition-schema.ts (the SDK's own type is wider) */
  condition?: ConditionInterface;
  phase?: string;
  bucketVersion?: number;
  minBucketVersion?: number;
  fallbackAttribute?: string;
  disableStickyBucketing?: boolean;
}

export interface ExperimentFeature {
  /** the control's value: what users outside the experiment get */
  defaultValue: unknown;
  rules: ExperimentRule[];
}

export interface FeaturesPayload {
  features: Record<string, ExperimentFeature>;
}

// Compile-time proof that our payload is what the SDK's loader takes.
type Assignable<T extends U, U> = T;
export type _PayloadIsSdkPayload = Assignable<FeaturesPayload, FeatureApiResponse>;
export type _RuleIsSdkRule = Assignable<ExperimentRule, FeatureRule>;
export type _FeatureIsSdkFeature = Assignable<ExperimentFeature, FeatureDefinition>;

const valueOf = (v: ExperimentDefinition["variations"][number]) => (v.value === undefined ? v.key : v.value);

function rule(d: ExperimentDefinition): ExperimentRule {
  const r: ExperimentRule = {
    key: d.key,
    variations: d.variations.map(valueOf),
    weights: normalisedWeights(d),
    coverage: d.coverage,
    hashAttribute: d.hashAttribute,
    seed: d.seed ?? d.key,
    hashVersion: HASH_VERSION,
    name: d.name,
    meta: d.variations.map((v) => ({ key: v.key, name: v.name ?? v.key })),
  };
  if (d.namespace) r.namespace = [...d.namespace];
  if (d.condition && Object.keys(d.condition).length > 0) r.condition = d.condition as ConditionInterface;
  if (d.phase !== undefined) r.phase = String(d.phase);
  if (d.sticky?.bucketVersion !== undefined) r.bucketVersion = d.sticky.bucketVersion;
  if (d.sticky?.minBucketVersion !== undefined) r.minBucketVersion = d.sticky.minBucketVersion;
  if (d.sticky?.fallbackAttribute !== undefined) r.fallbackAttribute = d.sticky.fallbackAttribute;
  if (d.sticky?.disabled) r.disableStickyBucketing = true;
  return r;
}

/**
 * Running experiments get their rule; stopped ones keep the feature with the control's value and no
 * rule (clients still asking for it get the control, nobody is tracked); drafts are left out.
 * Features are ordered by key so the same experiments always give the same bytes (and ETag).
 * Throws InvalidDefinitionsError naming every problem.
 */
export function buildFeaturesPayload(input: readonly unknown[]): FeaturesPayload {
  const parsed = parseExperimentDefinitions(input);
  if (!parsed.ok) throw new InvalidDefinitionsError(parsed.errors);
  const served = parsed.definitions.filter((d) => d.status !== "draft").sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const features: Record<string, ExperimentFeature> = {};
  for (const d of served) {
    features[d.key] = { defaultValue: valueOf(d.variations[0]!), rules: d.status === "running" ? [rule(d)] : [] };
  }
  return { features };
}
