// Assignment through GrowthBook's SDK: what the routes (GET /api/features/<client-key>,
// POST /api/assign), the experiment form and page, and balanced cohorts use.
export { parseCondition, parseConditionText, type Condition, type ConditionError } from "./condition-schema";
export { conditionMatches } from "./condition-eval";
export { describeCondition } from "./condition-text";
export {
  experimentDefinition,
  parseExperimentDefinitions,
  normalisedWeights,
  InvalidDefinitionsError,
  type ExperimentDefinition,
  type ExperimentDefinitionInput,
  type DefinitionError,
} from "./definition";
export { buildFeaturesPayload, HASH_VERSION, type FeaturesPayload, type ExperimentFeature, type ExperimentRule } from "./payload";
export { featuresResponse, serializePayload, etagMatches, type PayloadResponse } from "./payload-response";
export { createAssigner, type Assigner, type Assignment, type AssignRequest } from "./assigner";
export { assignRequestSchema, hashAttributeProblems, toAssignRequest, type AssignRequestBody } from "./assign-request";
export { MemoryStickyStore, StoreStickyBucketService, type StickyAssignmentStore, type StickyAssignmentsDocument, type StickyIdentity } from "./sticky-store";
export { changedAssignmentFields, type AssignmentField } from "./phase-change";
export { parseCohortCsv, type Cohort, type CohortError, type Subject } from "./balance/cohort";
export { balanceTable, imbalance, type BalanceTable, type CovariateRow } from "./balance/balance-table";
export { chooseBalancedSeed, candidateSeeds, DEFAULT_CANDIDATE_SEEDS, type BalancedAssignment } from "./balance/choose-seed";
