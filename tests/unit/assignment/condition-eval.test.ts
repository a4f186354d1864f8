import { describe, expect, it } from "vitest";
import { conditionMatches } from "@/lib/assignment/condition-eval";
import { parseCondition, type Condition } from "@/lib/assignment/condition-schema";
import { createAssigner } from "@/lib/assignment/assigner";
import { buildFeaturesPayload } from "@/lib/assignment/payload";

const valid = (c: unknown): Condition => {
  const r = parseCondition(c);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.condition;
};

// A few cases of GrowthBook's SDK specification (packages/sdk-js/test/cases.json, "evalCondition"),
// restricted to the operators we support: [name, condition, attributes, expected].
const SPEC_CASES: [string, unknown, Record<string, unknown>, boolean][] = [
  ["$not - pass", { $not: { name: "hello" } }, { name: "world" }, true],
  ["$not - fail", { $not: { name: "hello" } }, { name: "hello" }, false],
  [
    "$and/$or - second or true",
    { $and: [{ "father.age": { $gt: 65 } }, { $or: [{ bday: { $regex: "-12-25$" } }, { name: "santa" }] }] },
    { name: "barbara", bday: "1980-12-25", father: { age: 70 } },
    true,
  ],
  [
    "$and/$or - first and false",
    { $and: [{ "father.age": { $gt: 65 } }, { $or: [{ bday: { $regex: "-12-25$" } }, { name: "santa" }] }] },
    { name: "santa", bday: "1980-12-25", father: { age: 65 } },
    false,
  ],
  ["$exists - false pass", { "pets.dog.name": { $exists: false } }, { hello: "world" }, true],
  ["$exists - true pass", { "pets.dog.name": { $exists: true } }, { pets: { dog: { name: "fido" } } }, true],
  ["$in - array pass 1", { tags: { $in: ["a", "b"] } }, { tags: ["d", "e", "a"] }, true],
  ["$nin - array fail 1", { tags: { $nin: ["a", "b"] } }, { tags: ["d", "e", "a"] }, false],
  ["missing attribute - fail", { "pets.dog.name": { $in: ["fido"] } }, { hello: "world" }, false],
  ["comparing numbers and strings", { n: { $gt: 5, $lt: 10 } }, { n: "8" }, true],
  ["$gt/$lt strings - fail uppercase", { word: { $gt: "alphabet", $lt: "zebra" } }, { word: "AZL" }, false],
  ["nested value is null", { "address.state": "CA" }, { address: null }, false],
  ["equals - multiple datatypes", { str: "str", num: 10, flag: false }, { str: "str", num: 10, flag: false }, true],
];

describe("conditions are evaluated by the SDK", () => {
  it.each(SPEC_CASES)("%s", (_name, condition, attributes, expected) => {
    expect(conditionMatches(attributes, valid(condition))).toBe(expected);
  });

  it("evaluates the example from the issue on nested attributes", () => {
    const c = valid({ "geo.country": { $in: ["US", "CA"] }, "profile.age": { $gte: 18 } });
    expect(conditionMatches({ geo: { country: "US" }, profile: { age: 18 } }, c)).toBe(true);
    expect(conditionMatches({ geo: { country: "US" }, profile: { age: 17 } }, c)).toBe(false);
    expect(conditionMatches({ geo: { country: "FR" }, profile: { age: 40 } }, c)).toBe(false);
    expect(conditionMatches({ profile: { age: 40 } }, c)).toBe(false);
    // a flat attribute named with a dot is not the nested one
    expect(conditionMatches({ "geo.country": "US", "profile.age": 30 }, c)).toBe(false);
  });

  it("field-level $not negates its operators", () => {
    const c = valid({ browser: { $not: { $in: ["ie", "edge"] } } });
    expect(conditionMatches({ browser: "firefox" }, c)).toBe(true);
    expect(conditionMatches({ browser: "ie" }, c)).toBe(false);
  });

  it("the payload's condition decides who enters, exactly as conditionMatches says", () => {
    const condition = valid({ $or: [{ country: { $in: ["US", "CA"] }, age: { $gte: 18 } }, { "account.vip": true }] });
    const assigner = createAssigner(
      buildFeaturesPayload([{ key: "cond", name: "cond", status: "running", variations: [{ key: "a" }, { key: "b" }], condition }]),
    );
    const countries = ["US", "CA", "FR", undefined];
    let entered = 0;
    for (let i = 0; i < 400; i++) {
      const attributes: Record<string, unknown> = { id: `user-${i}`, age: i % 40 };
      const country = countries[i % 4];
      if (country) attributes.country = country;
      if (i % 7 === 0) attributes.account = { vip: true };
      const expected = conditionMatches(attributes, condition);
      expect(assigner.assignExperiment("cond", { attributes }).inExperiment).toBe(expected);
      if (expected) entered++;
    }
    expect(entered).toBeGreaterThan(100);
    expect(entered).toBeLessThan(350);
  });
});
