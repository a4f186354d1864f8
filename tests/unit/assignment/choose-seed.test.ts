import { GrowthBook } from "@growthbook/growthbook";
import { describe, expect, it } from "vitest";
import { createAssigner } from "@/lib/assignment/assigner";
import { balanceTable, imbalance } from "@/lib/assignment/balance/balance-table";
import { candidateSeeds, chooseBalancedSeed } from "@/lib/assignment/balance/choose-seed";
import type { Cohort } from "@/lib/assignment/balance/cohort";
import type { ExperimentDefinitionInput } from "@/lib/assignment/definition";
import { buildFeaturesPayload } from "@/lib/assignment/payload";
import { serializePayload } from "@/lib/assignment/payload-response";
import { normals, prng } from "../stats/helpers";

const twoArms: ExperimentDefinitionInput = { key: "coaching-pilot", name: "Coaching pilot", status: "draft", variations: [{ key: "control" }, { key: "coaching" }] };

function syntheticCohort(n: number, covariates: number, random: () => number): Cohort {
  const normal = normals(random);
  const names = ["age", "baseline_score", "is_manager", "tenure_years"].slice(0, covariates);
  return {
    covariates: names,
    subjects: Array.from({ length: n }, (_, i) => ({
      id: `emp-${Math.floor(random() * 1e9).toString(36)}-${i}`,
      values: names.map((name) =>
        name === "age" ? Math.round(40 + 10 * normal()) : name === "is_manager" ? (random() < 0.3 ? 1 : 0) : name === "tenure_years" ? -Math.log(random()) * 4 : 100 + 15 * normal(),
      ),
    })),
  };
}

/** The split and its table under any seed, as the SDK assigns it. */
function tableUnder(definition: ExperimentDefinitionInput, cohort: Cohort, seed: string) {
  const assigner = createAssigner(buildFeaturesPayload([{ ...definition, status: "running", seed }]));
  const split = cohort.subjects.map((s) => assigner.assignExperiment(definition.key as string, { attributes: { id: s.id } }).variationIndex);
  return balanceTable(cohort, split, definition.variations.map((v) => v.key as string), seed);
}

describe("balanced assignment of a small cohort", () => {
  it("derives its candidate seeds from the experiment, starting with the experiment's own seed", () => {
    expect(candidateSeeds("coaching-pilot", "coaching-pilot", 3)).toEqual(["coaching-pilot", "coaching-pilot/balance-1", "coaching-pilot/balance-2"]);
  });

  it("serving the experiment with the chosen seed reproduces the chosen split on the client SDK", () => {
    const cohort = syntheticCohort(80, 3, prng(7));
    const result = chooseBalancedSeed(twoArms, cohort);
    expect(result.candidatesTried).toBe(100);
    expect(result.before.seed).toBe("coaching-pilot");
    expect(result.after.maxAbsSmd).toBeLessThanOrEqual(result.before.maxAbsSmd!);
    const { body } = serializePayload(buildFeaturesPayload([{ ...twoArms, status: "running", seed: result.seed }]));
    for (const { id, variationKey } of result.assignments) {
      const gb = new GrowthBook({ attributes: { id } });
      gb.initSync({ payload: JSON.parse(body) });
      expect(gb.evalFeature("coaching-pilot").experimentResult?.key ?? null).toBe(variationKey);
    }
    expect(result.after).toEqual(tableUnder(twoArms, { ...cohort, subjects: [...cohort.subjects].sort((a, b) => (a.id < b.id ? -1 : 1)) }, result.seed));
  });

  it("gives the same seed and split for the same input, whatever the row order", () => {
    const cohort = syntheticCohort(60, 2, prng(11));
    const first = chooseBalancedSeed(twoArms, cohort);
    expect(chooseBalancedSeed(twoArms, cohort)).toEqual(first);
    const shuffled = { ...cohort, subjects: [...cohort.subjects].reverse() };
    const again = chooseBalancedSeed(twoArms, shuffled);
    expect(again.seed).toBe(first.seed);
    expect(new Map(again.assignments.map((a) => [a.id, a.variationKey]))).toEqual(new Map(first.assignments.map((a) => [a.id, a.variationKey])));
  });

  it("beats a random split's largest standardised difference in at least 95% of seeded trials (n = 20–200)", () => {
    const random = prng(20260613);
    const trials = 100;
    let better = 0;
    let randomUndefined = 0;
    for (let t = 0; t < trials; t++) {
      const n = 20 + Math.floor(random() * 181);
      const three = random() < 0.3;
      const definition: ExperimentDefinitionInput = three
        ? { ...twoArms, key: `trial-${t}`, variations: [{ key: "control" }, { key: "a" }, { key: "b" }] }
        : { ...twoArms, key: `trial-${t}`, weights: random() < 0.5 ? [1, 1] : [0.4, 0.6] };
      const cohort = syntheticCohort(n, 1 + Math.floor(random() * 4), random);
      const chosen = chooseBalancedSeed(definition, cohort);
      const randomSplit = tableUnder(definition, cohort, `random-${Math.floor(random() * 1e12)}`);
      if (randomSplit.maxAbsSmd === null) randomUndefined++;
      if (imbalance(chosen.after) < imbalance(randomSplit)) better++;
    }
    expect(randomUndefined).toBeLessThan(3);
    expect(better / trials).toBeGreaterThanOrEqual(0.95);
  });

  it("keeps splits whose sizes the dashboard's SRM check would flag out of the choice", () => {
    // with 2 candidates, the experiment's own seed is compared with one alternative: the chosen one must pass SRM
    const cohort = syntheticCohort(200, 2, prng(3));
    const weighted: ExperimentDefinitionInput = { ...twoArms, weights: [0.1, 0.9] };
    const result = chooseBalancedSeed(weighted, cohort, { candidates: 50 });
    const [c, t] = result.after.sizes;
    // χ² for 10/90 on 200 subjects at p ≥ 0.001 (critical value 10.83 on 1 df)
    const chi = (c! - 20) ** 2 / 20 + (t! - 180) ** 2 / 180;
    expect(chi).toBeLessThan(10.83);
  });

  it("says why when no candidate gives every variation two subjects", () => {
    const tiny = syntheticCohort(3, 1, prng(5));
    expect(() => chooseBalancedSeed({ ...twoArms, variations: [{ key: "a" }, { key: "b" }, { key: "c" }] }, tiny)).toThrow(
      /no candidate split puts at least 2 subjects in every variation in proportion to the weights \(3 subjects, 3 variations\)/,
    );
    expect(() => chooseBalancedSeed(twoArms, tiny, { candidates: 0 })).toThrow(/from 1 to 1000/);
  });
});
