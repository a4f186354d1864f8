// Balanced assignment for a small known cohort: among K hashing seeds, keep the one whose split
// (computed by the SDK, exactly as serving the experiment with that seed will assign) has the
// smallest covariate imbalance. Deterministic: same experiment and cohort, same seed.
import { srmCheck } from "@/lib/stats/srm";
import { createAssigner } from "../assigner";
import { experimentDefinition, normalisedWeights, type ExperimentDefinitionInput } from "../definition";
import { buildFeaturesPayload } from "../payload";
import { balanceTable, imbalance, type BalanceTable } from "./balance-table";
import type { Cohort } from "./cohort";

export const DEFAULT_CANDIDATE_SEEDS = 100;
export const MAX_CANDIDATE_SEEDS = 1000;

export interface BalancedAssignment {
  /** serve the experiment with this seed */
  seed: string;
  /** the split under the experiment's own seed (its key unless set): what you get without balancing */
  before: BalanceTable;
  after: BalanceTable;
  candidatesTried: number;
  /** the chosen split, in the cohort's order; null = left out of the experiment */
  assignments: { id: string; variationKey: string | null }[];
}

/** Candidate 0 is the experiment's own seed (kept when nothing beats it); the rest derive from the key. */
export function candidateSeeds(experimentKey: string, ownSeed: string, count: number): string[] {
  return [ownSeed, ...Array.from({ length: count - 1 }, (_, i) => `${experimentKey}/balance-${i + 1}`)];
}

/** Each subject's variation index under one seed, by the SDK; subjects carry their id and covariates as attributes. */
function splitUnder(definition: ExperimentDefinitionInput, seed: string, cohort: Cohort, hashAttribute: string): (number | null)[] {
  const assigner = createAssigner(buildFeaturesPayload([{ ...definition, status: "running", seed }]));
  const key = definition.key as string;
  return cohort.subjects.map((s) => {
    const attributes: Record<string, unknown> = Object.fromEntries(cohort.covariates.map((c, i) => [c, s.values[i]]));
    attributes[hashAttribute] = s.id;
    return assigner.assignExperiment(key, { attributes }).variationIndex;
  });
}

export function chooseBalancedSeed(
  definitionInput: ExperimentDefinitionInput,
  cohort: Cohort,
  options: { candidates?: number } = {},
): BalancedAssignment {
  const count = options.candidates ?? DEFAULT_CANDIDATE_SEEDS;
  if (!Number.isInteger(count) || count < 1 || count > MAX_CANDIDATE_SEEDS) {
    throw new RangeError(`the number of candidate seeds must be a whole number from 1 to ${MAX_CANDIDATE_SEEDS} (got ${count})`);
  }
  const definition = experimentDefinition.parse({ ...definitionInput, status: "running" });
  const variationKeys = definition.variations.map((v) => v.key);
  // a canonical order, so the same cohort in another row order gives the same sums and the same choice
  const sorted: Cohort = { covariates: cohort.covariates, subjects: [...cohort.subjects].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
  const ownSeed = definition.seed ?? definition.key;

  const weights = normalisedWeights(definition);
  // the dashboard's SRM check would flag such a split as broken assignment
  const failsSrm = (sizes: number[]) => srmCheck(sizes.map((users, i) => ({ id: variationKeys[i]!, weight: weights[i]!, users }))).result.mismatch === true;

  let best: { table: BalanceTable; split: (number | null)[] } | null = null;
  let before: BalanceTable | null = null;
  for (const seed of candidateSeeds(definition.key, ownSeed, count)) {
    const split = splitUnder(definitionInput, seed, sorted, definition.hashAttribute);
    const table = balanceTable(sorted, split, variationKeys, seed);
    before ??= table;
    if (failsSrm(table.sizes)) continue;
    if (best === null || imbalance(table) < imbalance(best.table)) best = { table, split };
  }
  if (best === null || best.table.maxAbsSmd === null) {
    throw new Error(
      `no candidate split puts at least 2 subjects in every variation in proportion to the weights (${sorted.subjects.length} subjects, ${variationKeys.length} variations): the cohort is too small or the experiment leaves too many out`,
    );
  }
  const chosen = best;
  const variationById = new Map(sorted.subjects.map((s, i) => [s.id, chosen.split[i]!]));
  return {
    seed: chosen.table.seed,
    before: before!,
    after: chosen.table,
    candidatesTried: count,
    assignments: cohort.subjects.map((s) => {
      const v = variationById.get(s.id);
      return { id: s.id, variationKey: v === null || v === undefined ? null : variationKeys[v]! };
    }),
  };
}
