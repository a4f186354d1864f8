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
  /** the SDK would fire its tracking callback (hashed or sticky into the experiment, not forced): an exposure to record */
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

function toAssignment(rule: ExperimentRule, feature: FeatureResult): Assignment {
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
      tracked: false,
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
    // the SDK tracks exactly the assignments it reached by hashing or a sticky bucket (runExperiment
    // returns before tracking for forced ones); the 100,000-user test checks this against its callback
    tracked: !!r.hashUsed,
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

  const evaluate = (featureKey: string, context: UserContext) => toAssignment(rules.get(featureKey)!, client.evalFeature(featureKey, context));

  /** A fresh user context per request (the SDK keeps per-user state in it). */
  const contextFor = (request: AssignRequest): UserContext => ({
    attributes: request.attributes,
    forcedVariations: request.forcedVariations,
    url: request.url,
  });

  return {
    experimentKeys,
    assign(request) {
      const context = contextFor(request);
      return [...rules.keys()].map((featureKey) => evaluate(featureKey, context));
    },
    assignExperiment(experimentKey, request) {
      const featureKey = featureOf.get(experimentKey);
      if (featureKey === undefined) throw new Error(`no running experiment "${experimentKey}" in this payload`);
      return evaluate(featureKey, contextFor(request));
    },
    async assignSticky(request, store) {
      const base = contextFor(request);
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
      const assignments = [...rules.keys()].map((featureKey) => evaluate(featureKey, context));
      await Promise.all(saves);
      return assignments;
    },
  };
}
