// Server-side assignment (POST /api/assign, balanced cohorts): the GrowthBook SDK evaluates the
// payload we serve, exactly as a JavaScript client holding the same payload would. No hashing here.
import { GrowthBookClient, type Attributes, type FeatureResult, type StickyAssignmentsDocument, type UserContext } from "@growthbook/growthbook";
import type { ExperimentRule, FeaturesPayload } from "./payload";
import { StoreStickyBucketService, type StickyAssignmentStore } from "./sticky-store";

export interface AssignRequest {
  attributes: Attributes;
  /** experiment key → variation index (QA, previews); the SDK serves it without hashing or tracking */
  forcedVariations?: Record<string, number>;
  /** the page's URL: `?<experiment key>=<index>` forces a variation, as in the browser SDK */
  url?: string;
}

export interface Assignment {
  experimentKey: string;
  /** false: the user gets the control's value and is not part of the experiment's analysis */
  inExperiment: boolean;
  variationIndex: number | null;
  variationKey: string | null;
  /** what the feature serves this user (the control's value when not in the experiment) */
  value: unknown;
  /** the user's hash in [0, 1) when the SDK hashed them into a variation */
  bucket: number | null;
  hashAttribute: string;
  hashValue: string | null;
  /** the variation came from forcedVariations or the URL, not from the hash */
  forced: boolean;
  /** the variation came from the user's sticky assignment */
  stickyBucketUsed: boolean;
  /** the SDK fired its tracking callback: this assignment is an exposure to record */
  tracked: boolean;
  phase: string | null;
}

export interface Assigner {
  /** keys of the experiments that assign (running ones), in payload order */
  readonly experimentKeys: readonly string[];
  /** every running experiment for one user */
  assign(request: AssignRequest): Assignment[];
  /** one experiment (throws for an unknown key) */
  assignExperiment(experimentKey: string, request: AssignRequest): Assignment;
  /** with sticky bucketing: past assignments are read from the store and new ones saved before this resolves */
  assignSticky(request: AssignRequest, store: StickyAssignmentStore): Promise<Assignment[]>;
}

function toAssignment(featureKey: string, rule: ExperimentRule, feature: FeatureResult, tracked: Set<string>): Assignment {
  const r = feature.source === "experiment" ? feature.experimentResult : undefined;
  const experimentKey = feature.experiment?.key ?? rule.key;
  if (!r || !r.inExperiment) {
    return {
      experimentKey,
      inExperiment: false,
      variationIndex: null,
      variationKey: null,
      value: feature.value,
      bucket: null,
      hashAttribute: rule.hashAttribute,
      hashValue: null,
      forced: false,
      stickyBucketUsed: false,
      tracked: tracked.has(featureKey),
      phase: rule.phase ?? null,
    };
  }
  return {
    experimentKey,
    inExperiment: true,
    variationIndex: r.variationId,
    variationKey: r.key,
    value: feature.value,
    bucket: r.bucket ?? null,
    hashAttribute: r.hashAttribute,
    hashValue: r.hashValue === "" || r.hashValue == null ? null : String(r.hashValue),
    forced: !r.hashUsed,
    stickyBucketUsed: !!r.stickyBucketUsed,
    tracked: tracked.has(featureKey),
    phase: rule.phase ?? null,
  };
}

export function createAssigner(payload: FeaturesPayload): Assigner {
  const client = new GrowthBookClient().initSync({ payload: structuredClone(payload) });
  const rules = new Map<string, ExperimentRule>();
  for (const [featureKey, feature] of Object.entries(payload.features)) {
    const rule = feature.rules[0];
    if (rule) rules.set(featureKey, rule);
  }
  const experimentKeys = [...rules.values()].map((r) => r.key);
  const featureOf = new Map([...rules].map(([featureKey, rule]) => [rule.key, featureKey]));

  const evaluate = (featureKey: string, context: UserContext, tracked: Set<string>) =>
    toAssignment(featureKey, rules.get(featureKey)!, client.evalFeature(featureKey, context), tracked);

  /** A fresh user context per request; its tracking callback records which features the SDK tracked. */
  const contextFor = (request: AssignRequest, tracked: Set<string>): UserContext => ({
    attributes: request.attributes,
    forcedVariations: request.forcedVariations,
    url: request.url,
    trackingCallback: (_experiment, result) => {
      if (result.featureId) tracked.add(result.featureId);
    },
  });

  return {
    experimentKeys,
    assign(request) {
      const tracked = new Set<string>();
      const context = contextFor(request, tracked);
      return [...rules.keys()].map((featureKey) => evaluate(featureKey, context, tracked));
    },
    assignExperiment(experimentKey, request) {
      const featureKey = featureOf.get(experimentKey);
      if (featureKey === undefined) throw new Error(`no running experiment "${experimentKey}" in this payload`);
      const tracked = new Set<string>();
      return evaluate(featureKey, contextFor(request, tracked), tracked);
    },
    async assignSticky(request, store) {
      const tracked = new Set<string>();
      const base = contextFor(request, tracked);
      const withDocs = await client.applyStickyBuckets(base, new StoreStickyBucketService(store));
      // the SDK does not wait for its saves; we answer only once they are stored
      const saves: Promise<unknown>[] = [];
      const context: UserContext = {
        ...withDocs,
        saveStickyBucketAssignmentDoc: (doc: StickyAssignmentsDocument) => {
          const saved = store.save(doc);
          saves.push(saved);
          return saved;
        },
      };
      const assignments = [...rules.keys()].map((featureKey) => evaluate(featureKey, context, tracked));
      await Promise.all(saves);
      return assignments;
    },
  };
}
