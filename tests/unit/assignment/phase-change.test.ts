import { describe, expect, it } from "vitest";
import { experimentDefinition, type ExperimentDefinition, type ExperimentDefinitionInput } from "@/lib/assignment/definition";
import { changedAssignmentFields } from "@/lib/assignment/phase-change";

const parse = (d: ExperimentDefinitionInput) => experimentDefinition.parse(d) as ExperimentDefinition;
const base: ExperimentDefinitionInput = { key: "exp", name: "Exp", status: "running", variations: [{ key: "a" }, { key: "b" }], weights: [1, 3] };

describe("edits that start a new phase", () => {
  it("ignores edits that leave the assignment as it is", () => {
    const before = parse(base);
    expect(changedAssignmentFields(before, parse({ ...base, name: "Renamed", weights: [0.25, 0.75], seed: "exp", condition: {} }))).toEqual([]);
    expect(changedAssignmentFields(before, parse({ ...base, variations: [{ key: "a", name: "Control", value: 1 }, { key: "b" }] }))).toEqual([]);
  });

  it("names each field that re-shapes who gets what", () => {
    const before = parse(base);
    expect(changedAssignmentFields(before, parse({ ...base, weights: [1, 1] }))).toEqual(["weights"]);
    expect(changedAssignmentFields(before, parse({ ...base, coverage: 0.5 }))).toEqual(["coverage"]);
    expect(
      changedAssignmentFields(
        before,
        parse({ ...base, variations: [{ key: "a" }, { key: "c" }], seed: "new", hashAttribute: "device_id", namespace: ["n", 0, 0.5], condition: { country: "US" } }),
      ),
    ).toEqual(["variations", "seed", "hashAttribute", "namespace", "condition"]);
  });
});
