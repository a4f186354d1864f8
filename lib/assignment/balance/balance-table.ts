// The balance table of one split: per covariate, each variation's mean and SD and each treatment's
// standardised mean difference from the control (variation 0).
import type { Cohort } from "./cohort";
import { standardisedMeanDifference, summarise, type GroupSummary } from "./smd";

export interface CovariateRow {
  covariate: string;
  /** per variation, in variation order */
  groups: GroupSummary[];
  /** per treatment (variations 1…k−1) against the control; null where not defined */
  smd: (number | null)[];
  /** largest |SMD| of the row; null when one is not defined */
  maxAbsSmd: number | null;
}

export interface BalanceTable {
  seed: string;
  variationKeys: string[];
  /** subjects per variation */
  sizes: number[];
  /** subjects the SDK left out of the experiment (coverage, condition, namespace) */
  excluded: number;
  rows: CovariateRow[];
  /** the split's imbalance: the largest |SMD| over covariates and treatment–control pairs; null when one is not defined */
  maxAbsSmd: number | null;
}

const largestAbs = (values: (number | null)[]) =>
  values.some((v) => v === null) ? null : Math.max(0, ...values.map((v) => Math.abs(v as number)));

/** `split[i]` is the variation index of cohort.subjects[i], or null when not in the experiment. */
export function balanceTable(cohort: Cohort, split: readonly (number | null)[], variationKeys: string[], seed: string): BalanceTable {
  const k = variationKeys.length;
  const members: number[][] = variationKeys.map(() => []);
  split.forEach((v, i) => {
    if (v !== null) members[v]!.push(i);
  });
  const rows = cohort.covariates.map((covariate, c): CovariateRow => {
    const groups = members.map((idx) => summarise(idx.map((i) => cohort.subjects[i]!.values[c]!)));
    const smd = groups.slice(1).map((g) => standardisedMeanDifference(g, groups[0]!));
    return { covariate, groups, smd, maxAbsSmd: largestAbs(smd) };
  });
  return {
    seed,
    variationKeys,
    sizes: members.map((m) => m.length),
    excluded: split.filter((v) => v === null).length,
    rows,
    maxAbsSmd: k < 2 ? null : largestAbs(rows.map((r) => r.maxAbsSmd)),
  };
}

/** Lower is better; a split whose imbalance is not defined is the worst. */
export const imbalance = (table: BalanceTable): number => table.maxAbsSmd ?? Infinity;
