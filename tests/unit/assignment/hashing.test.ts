import { describe, expect, it } from "vitest";
import { createAssigner } from "@/lib/assignment/assigner";
import { buildFeaturesPayload } from "@/lib/assignment/payload";
import { bucketRanges, fnv1a32, hashV1, hashV2, variationOf } from "./reference-hash";

// One-experiment payload at full coverage: every user with an id is hashed, so the SDK reports its bucket.
const assignerFor = (seed: string, weights?: number[], extra: Record<string, unknown> = {}) =>
  createAssigner(
    buildFeaturesPayload([
      {
        key: "hash-check",
        name: "hash check",
        status: "running",
        seed,
        variations: (weights ?? [1, 1]).map((_, i) => ({ key: `v${i}` })),
        weights,
        ...extra,
      },
    ]),
  );

describe("the reference FNV-1a 32-bit", () => {
  // published test values of FNV-1a 32 (the FNV authors' test suite)
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["b", 0xe70c2de5],
    ["c", 0xe60c2c52],
    ["foo", 0xa9f37ed7],
    ["foob", 0x3f5076ef],
    ["fooba", 0x39aaa18a],
    ["foobar", 0xbf9cf968],
  ])("fnv1a32(%j) = %i", (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });

  // GrowthBook's SDK specification vectors (cases.json, "hash"): [seed, id, version, bucket]
  it.each([
    ["", "a", 1, 0.22],
    ["", "b", 1, 0.077],
    ["b", "a", 1, 0.946],
    ["ef", "d", 1, 0.652],
    ["asdf", "8952klfjas09ujk", 1, 0.549],
    ["", "123", 1, 0.011],
    ["", '___)((*":&', 1, 0.563],
    ["seed", "a", 2, 0.0505],
    ["seed", "b", 2, 0.2696],
    ["foo", "ab", 2, 0.2575],
    ["foo", "def", 2, 0.2019],
    ["89123klj", "8952klfjas09ujkasdf", 2, 0.124],
    ["90850943850283058242805", "123", 2, 0.7516],
    ["()**(%$##$%#$#", '___)((*":&', 2, 0.0128],
  ] as const)("GrowthBook spec: hash(%j, %j, v%i) = %f", (seed, id, version, expected) => {
    expect(version === 2 ? hashV2(seed, id) : hashV1(seed, id)).toBe(expected);
  });
});

describe("the SDK's buckets are GrowthBook's v2 hash", () => {
  it("matches the specification's v2 vectors through our payload", () => {
    const vectors: [string, string, number][] = [
      ["seed", "a", 0.0505],
      ["seed", "b", 0.2696],
      ["foo", "ab", 0.2575],
      ["foo", "def", 0.2019],
      ["89123klj", "8952klfjas09ujkasdf", 0.124],
      ["90850943850283058242805", "123", 0.7516],
      ["()**(%$##$%#$#", '___)((*":&', 0.0128],
    ];
    for (const [seed, id, bucket] of vectors) {
      expect(assignerFor(seed).assignExperiment("hash-check", { attributes: { id } }).bucket).toBe(bucket);
    }
  });

  it("equals fnv1a32(str(fnv1a32(seed + id))) % 10000 / 10000 on 30,000 ids, and picks the variation whose range holds it", () => {
    const weights = [0.2, 0.3, 0.5];
    const ranges = bucketRanges(weights, 1);
    for (const seed of ["checkout-redesign", "a-much-longer-seed/with:punctuation", "s"]) {
      const assigner = assignerFor(seed, weights);
      for (let i = 0; i < 10_000; i++) {
        const id = i % 3 === 0 ? `user-${i}` : i % 3 === 1 ? `${(i * 2654435761) % 4294967296}` : `7c9e6679-7425-40de-944b-${String(i).padStart(12, "0")}`;
        const a = assigner.assignExperiment("hash-check", { attributes: { id } });
        const expected = hashV2(seed, id);
        expect(a.bucket).toBe(expected);
        expect(a.variationIndex).toBe(variationOf(expected, ranges));
      }
    }
  });

  it("puts a user in a namespace when v1 hash of (id, \"__\" + namespace) lies in its range", () => {
    const assigner = assignerFor("ns-check", undefined, { namespace: ["pricing", 0.25, 0.6] });
    let inside = 0;
    for (let i = 0; i < 10_000; i++) {
      const id = `user-${i}`;
      const h = hashV1("__pricing", id);
      const expected = h >= 0.25 && h < 0.6;
      expect(assigner.assignExperiment("hash-check", { attributes: { id } }).inExperiment).toBe(expected);
      if (expected) inside++;
    }
    expect(inside / 10_000).toBeCloseTo(0.35, 1);
  });
});
