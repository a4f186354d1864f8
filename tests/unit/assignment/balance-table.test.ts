import { describe, expect, it } from "vitest";
import { balanceTable, imbalance } from "@/lib/assignment/balance/balance-table";
import { standardisedMeanDifference, summarise } from "@/lib/assignment/balance/smd";

/** Two-pass mean and n−1 SD, computed here independently of the library. */
function twoPass(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  return { mean, sd };
}

describe("standardised mean difference", () => {
  it("is the mean difference over the root mean of the two variances", () => {
    // treatment 2,3,4 (mean 3, sd 1) vs control 1,2,3 (mean 2, sd 1): 1 / √((1 + 1)/2) = 1
    expect(standardisedMeanDifference(summarise([2, 3, 4]), summarise([1, 2, 3]))).toBe(1);
    const t = [5.1, 7.3, 2.2, 9.9, 4.4, 6.0];
    const c = [3.3, 4.1, 8.8, 1.0, 2.5];
    const a = twoPass(t);
    const b = twoPass(c);
    expect(standardisedMeanDifference(summarise(t), summarise(c))).toBeCloseTo((a.mean - b.mean) / Math.sqrt((a.sd ** 2 + b.sd ** 2) / 2), 12);
  });

  it("is 0 for equal constants, undefined for a complete separation or a group under 2", () => {
    expect(standardisedMeanDifference(summarise([0.1, 0.1, 0.1]), summarise([0.1, 0.1]))).toBe(0);
    expect(summarise([0.7, 0.7, 0.7])).toEqual({ n: 3, mean: 0.7, sd: 0 });
    expect(standardisedMeanDifference(summarise([1, 1]), summarise([0, 0, 0]))).toBeNull();
    expect(standardisedMeanDifference(summarise([1]), summarise([0, 2, 3]))).toBeNull();
  });
});

describe("balance table", () => {
  const cohort = {
    covariates: ["age", "member"],
    subjects: [
      { id: "a", values: [20, 1] },
      { id: "b", values: [30, 0] },
      { id: "c", values: [40, 1] },
      { id: "d", values: [25, 0] },
      { id: "e", values: [35, 1] },
      { id: "f", values: [50, 0] },
      { id: "g", values: [60, 1] },
    ],
  };

  it("summarises each variation and each treatment against the control", () => {
    const table = balanceTable(cohort, [0, 0, 0, 1, 1, 2, null], ["control", "t1", "t2"], "seed-x");
    expect(table.sizes).toEqual([3, 2, 1]);
    expect(table.excluded).toBe(1);
    expect(table.seed).toBe("seed-x");
    const age = table.rows[0]!;
    expect(age.groups.map((g) => g.n)).toEqual([3, 2, 1]);
    expect(age.groups[0]!.mean).toBe(30);
    expect(age.groups[1]!.mean).toBe(30);
    // t1 vs control: equal means; t2 has a single subject: not defined
    expect(age.smd).toEqual([0, null]);
    expect(age.maxAbsSmd).toBeNull();
    expect(table.maxAbsSmd).toBeNull();
    expect(imbalance(table)).toBe(Infinity);
  });

  it("scores a split by its largest |SMD| over covariates and pairs", () => {
    const table = balanceTable(cohort, [0, 1, 1, 0, 0, 1, 0], ["control", "treatment"], "s");
    const control = [0, 3, 4, 6].map((i) => cohort.subjects[i]!.values);
    const treatment = [1, 2, 5].map((i) => cohort.subjects[i]!.values);
    const smds = [0, 1].map((c) => {
      const t = twoPass(treatment.map((v) => v[c]!));
      const k = twoPass(control.map((v) => v[c]!));
      return (t.mean - k.mean) / Math.sqrt((t.sd ** 2 + k.sd ** 2) / 2);
    });
    expect(table.rows.map((r) => r.smd[0])).toEqual(smds.map((s) => expect.closeTo(s, 12)));
    expect(imbalance(table)).toBeCloseTo(Math.max(...smds.map(Math.abs)), 12);
  });
});
