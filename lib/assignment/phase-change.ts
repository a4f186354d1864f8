// Which edits re-shape an experiment's assignment. Changing any of these while it runs mixes users
// assigned under different rules in one analysis, so the experiment starts a new phase (issue 13:
// petri-dish's stages; GrowthBook does the same) and the payload serves the new one.
import { normalisedWeights, type ExperimentDefinition } from "./definition";

export const ASSIGNMENT_FIELDS = ["variations", "weights", "coverage", "seed", "hashAttribute", "namespace", "condition"] as const;
export type AssignmentField = (typeof ASSIGNMENT_FIELDS)[number];

type Comparable = Pick<ExperimentDefinition, "key" | "variations" | "weights" | "coverage" | "seed" | "hashAttribute" | "namespace" | "condition">;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** weights as served: 1:3 and 0.25:0.75 are the same split */
const shares = (d: Comparable) => normalisedWeights(d).map((w) => Math.round(w * 1e9) / 1e9);
const emptyToUndefined = (c: Comparable["condition"]) => (c && Object.keys(c).length > 0 ? c : undefined);

/** The assignment fields that differ between two versions of one experiment (parsed definitions). */
export function changedAssignmentFields(before: Comparable, after: Comparable): AssignmentField[] {
  const changed: AssignmentField[] = [];
  if (!same(before.variations.map((v) => v.key), after.variations.map((v) => v.key))) changed.push("variations");
  if (!same(shares(before), shares(after))) changed.push("weights");
  if (before.coverage !== after.coverage) changed.push("coverage");
  if ((before.seed ?? before.key) !== (after.seed ?? after.key)) changed.push("seed");
  if (before.hashAttribute !== after.hashAttribute) changed.push("hashAttribute");
  if (!same(before.namespace ?? null, after.namespace ?? null)) changed.push("namespace");
  if (!same(emptyToUndefined(before.condition) ?? null, emptyToUndefined(after.condition) ?? null)) changed.push("condition");
  return changed;
}
