import { describe, expect, it } from "vitest";
import { parseCondition, parseConditionText, MAX_CONDITION_DEPTH } from "@/lib/assignment/condition-schema";

const errorsOf = (input: unknown) => {
  const r = parseCondition(input);
  if (r.ok) throw new Error(`expected errors for ${JSON.stringify(input)}`);
  return r.errors;
};

describe("targeting condition schema", () => {
  it("accepts every supported operator, combinators and dot paths, unchanged", () => {
    const condition = {
      country: { $in: ["US", "CA"] },
      age: { $gte: 18, $lt: 65 },
      "user.plan": "pro",
      beta: true,
      score: { $gt: 0.5, $lte: 1 },
      email: { $regex: "@example\\.com$" },
      locale: { $ne: "fr" },
      tier: { $nin: [1, 2] },
      referrer: { $exists: false },
      version: { $eq: 3 },
      browser: { $not: { $in: ["ie", "edge"] } },
      $or: [{ "account.age_days": { $gt: 30 } }, { vip: true }],
      $and: [{ name: { $exists: true } }],
      $not: { country: "RU" },
    };
    const r = parseCondition(condition);
    expect(r).toEqual({ ok: true, condition });
  });

  it("names the path of each problem", () => {
    expect(errorsOf({ country: { $in: "US" } })).toEqual([{ path: "country.$in", message: "expected a list of values" }]);
    expect(errorsOf({ $and: [{ age: { $gte: 18 } }, { "user.plan": { $foo: 1 } }] })).toEqual([
      { path: "$and[1].user.plan", message: expect.stringMatching(/^unknown operator \$foo \(supported: \$eq .*\$not\)$/) },
    ]);
    expect(errorsOf({ $or: [{ a: 1 }, { b: { $in: [1, null] } }] })).toEqual([{ path: "$or[1].b.$in[1]", message: "expected a text, a number or true/false" }]);
    expect(errorsOf({ $not: { x: { $regex: "(" } } })).toEqual([{ path: "$not.x.$regex", message: "not a valid regular expression" }]);
    expect(errorsOf({ age: { $gt: true } })).toEqual([{ path: "age.$gt", message: "expected a number or a text" }]);
    expect(errorsOf({ seen: { $exists: "yes" } })).toEqual([{ path: "seen.$exists", message: "expected true or false" }]);
  });

  it("reports several problems at once", () => {
    const errors = errorsOf({ a: { $in: [] }, b: null, $xor: [], "bad key": 1 });
    expect(errors.map((e) => e.path)).toEqual(["a.$in", "b", "$xor", "bad key"]);
    expect(errors[0]!.message).toBe("expected at least one value");
    expect(errors[2]!.message).toMatch(/^unknown combinator \$xor/);
    expect(errors[3]!.message).toMatch(/is not an attribute name/);
  });

  it("rejects shapes the SDK would read differently from what the person meant", () => {
    // a bare array or object value is a deep-equality test in the SDK, almost always a mistake
    expect(errorsOf({ tags: ["a", "b"] })[0]!.path).toBe("tags");
    expect(errorsOf({ user: { plan: "pro" } })[0]!.message).toMatch(/unknown operator plan/);
    expect(errorsOf({ age: {} })).toEqual([{ path: "age", message: "expected at least one operator" }]);
    expect(errorsOf({ $and: [] })).toEqual([{ path: "$and", message: "expected at least one condition" }]);
    expect(errorsOf({ $and: { a: 1 } })).toEqual([{ path: "$and", message: "expected a list of conditions" }]);
    expect(errorsOf({ a: "x..y", "a..b": 1 })).toEqual([{ path: "a..b", message: expect.stringContaining("not an attribute name") }]);
    expect(errorsOf([])[0]!.message).toBe("expected an object of attribute conditions");
    expect(errorsOf({ n: Number.NaN })[0]!.path).toBe("n");
  });

  it("refuses deep nesting before walking it", () => {
    let deep: unknown = { a: 1 };
    for (let i = 0; i < MAX_CONDITION_DEPTH; i++) deep = { $not: deep };
    expect(errorsOf(deep)).toEqual([{ path: "", message: expect.stringMatching(/^nested too deeply/) }]);
    let ok: unknown = { a: 1 };
    for (let i = 0; i < MAX_CONDITION_DEPTH - 1; i++) ok = { $not: ok };
    expect(parseCondition(ok).ok).toBe(true);
    // far beyond any stack: still a clean answer
    let huge: unknown = 1;
    for (let i = 0; i < 100_000; i++) huge = [huge];
    expect(errorsOf({ a: huge })[0]!.message).toMatch(/^nested too deeply/);
  });

  it("parses the form's JSON text", () => {
    expect(parseConditionText("  ")).toEqual({ ok: true, condition: {} });
    expect(parseConditionText('{"country": "US"}')).toEqual({ ok: true, condition: { country: "US" } });
    const bad = parseConditionText('{"country": ');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]!.message).toMatch(/^not valid JSON: /);
  });
});
