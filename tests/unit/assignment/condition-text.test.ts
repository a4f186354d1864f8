import { describe, expect, it } from "vitest";
import { describeCondition } from "@/lib/assignment/condition-text";
import { parseCondition } from "@/lib/assignment/condition-schema";

const say = (c: unknown) => {
  const r = parseCondition(c);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return describeCondition(r.condition);
};

describe("a condition in plain words", () => {
  it("reads the issue's example", () => {
    expect(say({ country: { $in: ["US", "CA"] }, age: { $gte: 18 } })).toBe("country is one of US, CA and age is at least 18");
  });

  it("says each operator", () => {
    expect(say({ plan: "pro" })).toBe("plan is pro");
    expect(say({ beta: true })).toBe("beta is true");
    expect(say({ n: { $eq: 3 } })).toBe("n is 3");
    expect(say({ locale: { $ne: "fr" } })).toBe("locale is not fr");
    expect(say({ tier: { $nin: [1, 2] } })).toBe("tier is none of 1, 2");
    expect(say({ tier: { $nin: [1] } })).toBe("tier is not 1");
    expect(say({ c: { $in: ["US"] } })).toBe("c is US");
    expect(say({ s: { $gt: 0.5 } })).toBe("s is more than 0.5");
    expect(say({ s: { $lt: 2 } })).toBe("s is less than 2");
    expect(say({ s: { $lte: 2 } })).toBe("s is at most 2");
    expect(say({ ref: { $exists: true } })).toBe("ref is set");
    expect(say({ ref: { $exists: false } })).toBe("ref is not set");
    expect(say({ email: { $regex: "@acme\\.com$" } })).toBe("email matches /@acme\\.com$/");
    expect(say({ b: { $not: { $in: ["ie", "edge"] } } })).toBe("not (b is one of ie, edge)");
    expect(say({ age: { $gte: 18, $lt: 65 } })).toBe("age is at least 18 and age is less than 65");
    expect(say({ "user.plan": "pro" })).toBe("user.plan is pro");
  });

  it("quotes values that would read ambiguously in a list", () => {
    expect(say({ city: { $in: ["Washington, DC", "", " x"] } })).toBe('city is one of "Washington, DC", "", " x"');
  });

  it("brackets by precedence", () => {
    expect(say({ $or: [{ a: 1 }, { b: 2 }], c: 3 })).toBe("(a is 1 or b is 2) and c is 3");
    expect(say({ $or: [{ a: 1, b: 2 }, { c: 3 }] })).toBe("(a is 1 and b is 2) or c is 3");
    expect(say({ $and: [{ a: 1 }, { $and: [{ b: 2 }, { c: 3 }] }] })).toBe("a is 1 and b is 2 and c is 3");
    expect(say({ $or: [{ a: 1 }] })).toBe("a is 1");
    expect(say({ $not: { a: 1, b: 2 } })).toBe("not (a is 1 and b is 2)");
    expect(say({ $or: [{ $or: [{ a: 1 }, { b: 2 }] }, { c: 3 }] })).toBe("a is 1 or b is 2 or c is 3");
  });

  it("says who takes part when there is no condition", () => {
    expect(describeCondition(undefined)).toBe("everyone");
    expect(say({})).toBe("everyone");
  });
});
