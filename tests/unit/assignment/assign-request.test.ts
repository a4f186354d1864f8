import { describe, expect, it } from "vitest";
import { assignRequestSchema, hashAttributeProblems, toAssignRequest } from "@/lib/assignment/assign-request";
import { createAssigner } from "@/lib/assignment/assigner";
import { buildFeaturesPayload } from "@/lib/assignment/payload";

const payload = buildFeaturesPayload([
  { key: "a", name: "A", status: "running", variations: [{ key: "x" }, { key: "y" }], hashAttribute: "account_id", sticky: { fallbackAttribute: "device_id" } },
]);

describe("POST /api/assign body", () => {
  it("accepts attributes with optional forcing, and feeds the assigner", () => {
    const body = assignRequestSchema.parse({ attributes: { account_id: "acc-1", plan: { tier: "pro" } }, forcedVariations: { a: 1 }, url: "https://x.example/" });
    const [assignment] = createAssigner(payload).assign(toAssignRequest(body));
    expect(assignment).toMatchObject({ experimentKey: "a", variationKey: "y", forced: true });
  });

  it("names what is wrong", () => {
    const r = assignRequestSchema.safeParse({ attributes: [], forcedVariations: { a: -1 }, extra: 1 });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ["attributes", "expected attributes as an object"],
        ["forcedVariations.a", "a variation index is 0 or more"],
        ["", expect.stringContaining("extra")],
      ]),
    );
    const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    expect(assignRequestSchema.safeParse({ attributes: tooMany }).error!.issues[0]!.message).toBe("at most 100 attributes");
  });

  it("checks the ids the payload hashes on: text or a number of at most 128 characters", () => {
    const check = (attributes: Record<string, unknown>) => hashAttributeProblems(assignRequestSchema.parse({ attributes }), payload);
    expect(check({ account_id: "a".repeat(128), device_id: 12345 })).toEqual([]);
    expect(check({ plan: "pro" })).toEqual([]);
    expect(check({ account_id: "a".repeat(129), device_id: { x: 1 } })).toEqual([
      "attributes.account_id: an id is at most 128 characters",
      "attributes.device_id: expected an id as text or a number",
    ]);
  });
});
