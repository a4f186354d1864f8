import { GrowthBook, type Experiment, type Result } from "@growthbook/growthbook";
import { describe, expect, it } from "vitest";
import { InvalidDefinitionsError, parseExperimentDefinitions, type ExperimentDefinitionInput } from "@/lib/assignment/definition";
import { buildFeaturesPayload } from "@/lib/assignment/payload";
import { serializePayload } from "@/lib/assignment/payload-response";

const checkout: ExperimentDefinitionInput = {
  key: "checkout-redesign",
  name: "Checkout redesign",
  status: "running",
  variations: [
    { key: "control", name: "Current checkout", value: { layout: "classic" } },
    { key: "treatment", name: "One-page checkout", value: { layout: "one-page" } },
  ],
  weights: [1, 3],
  coverage: 0.5,
  hashAttribute: "user_id",
  seed: "checkout-redesign-phase-2",
  namespace: ["checkout", 0, 0.6],
  condition: { country: { $in: ["US", "CA"] } },
  phase: 2,
};

const errorsOf = (input: unknown[]) => {
  const r = parseExperimentDefinitions(input);
  if (r.ok) throw new Error("expected errors");
  return r.errors;
};

describe("experiment definitions", () => {
  it("names each problem with the experiment and the field", () => {
    const errors = errorsOf([
      { ...checkout, weights: [1, 2, 3] },
      { ...checkout, key: "b", weights: [0, 0] },
      { ...checkout, key: "c", variations: [{ key: "x" }, { key: "x" }] },
      { ...checkout, key: "d", namespace: ["checkout", 0.5, 0.5] },
      { ...checkout, key: "e", coverage: 1.5 },
      { ...checkout, key: "f g" },
      { ...checkout, key: "h", condition: { country: { $in: "US" } } },
      { ...checkout, key: "i", variations: [{ key: "only" }] },
      { ...checkout, key: "j", status: "paused" },
      { ...checkout, key: "k", sticky: { bucketVersion: 1, minBucketVersion: 2 } },
    ]);
    expect(errors).toEqual([
      { path: "experiments[0] (checkout-redesign).weights", message: "expected 2 weights, one per variation (got 3)" },
      { path: "experiments[1] (b).weights", message: "the weights must add up to more than 0" },
      { path: "experiments[2] (c).variations[1].key", message: 'duplicate variation key "x"' },
      { path: "experiments[3] (d).namespace[2]", message: "the namespace range needs start < end" },
      { path: "experiments[4] (e).coverage", message: "the coverage is between 0 and 1" },
      { path: "experiments[5] (f g).key", message: expect.stringContaining("the experiment key uses letters, digits") },
      { path: "experiments[6] (h).condition.country.$in", message: "expected a list of values" },
      { path: "experiments[7] (i).variations", message: "an experiment needs at least 2 variations" },
      { path: "experiments[7] (i).weights", message: "expected 1 weights, one per variation (got 2)" },
      { path: "experiments[8] (j).status", message: "expected status draft, running, stopped" },
      { path: "experiments[9] (k).sticky.minBucketVersion", message: "minBucketVersion cannot exceed bucketVersion" },
    ]);
  });

  it("refuses duplicate keys and overlapping ranges of one namespace among running experiments", () => {
    expect(errorsOf([checkout, { ...checkout, namespace: ["other", 0, 1] }])).toEqual([
      { path: "experiments[1] (checkout-redesign).key", message: 'the key "checkout-redesign" is also used by experiments[0]' },
    ]);
    const overlapping = { ...checkout, key: "pricing", namespace: ["checkout", 0.5, 1] as [string, number, number] };
    expect(errorsOf([checkout, overlapping])).toEqual([
      {
        path: "experiments[1] (pricing).namespace",
        message: 'range [0.5, 1) of namespace "checkout" overlaps [0, 0.6) of checkout-redesign: running experiments of one namespace need disjoint ranges',
      },
    ]);
    // touching ranges, another namespace, or a stopped experiment do not collide
    expect(parseExperimentDefinitions([checkout, { ...overlapping, namespace: ["checkout", 0.6, 1] }]).ok).toBe(true);
    expect(parseExperimentDefinitions([checkout, { ...overlapping, namespace: ["search", 0, 1] }]).ok).toBe(true);
    expect(parseExperimentDefinitions([checkout, { ...overlapping, status: "stopped" }]).ok).toBe(true);
  });

  it("buildFeaturesPayload throws every problem at once", () => {
    expect(() => buildFeaturesPayload([{ ...checkout, coverage: -1 }, { ...checkout, key: "x", weights: [] }])).toThrow(InvalidDefinitionsError);
    try {
      buildFeaturesPayload([{ ...checkout, coverage: -1 }, { ...checkout, key: "x", weights: [] }]);
    } catch (e) {
      expect((e as InvalidDefinitionsError).errors.map((x) => x.path)).toEqual(["experiments[0] (checkout-redesign).coverage", "experiments[1] (x).weights"]);
    }
  });
});

describe("the features payload", () => {
  it("carries each running experiment as a feature with one experiment rule", () => {
    expect(buildFeaturesPayload([checkout])).toEqual({
      features: {
        "checkout-redesign": {
          defaultValue: { layout: "classic" },
          rules: [
            {
              key: "checkout-redesign",
              variations: [{ layout: "classic" }, { layout: "one-page" }],
              weights: [0.25, 0.75],
              coverage: 0.5,
              hashAttribute: "user_id",
              seed: "checkout-redesign-phase-2",
              hashVersion: 2,
              name: "Checkout redesign",
              meta: [
                { key: "control", name: "Current checkout" },
                { key: "treatment", name: "One-page checkout" },
              ],
              namespace: ["checkout", 0, 0.6],
              condition: { country: { $in: ["US", "CA"] } },
              phase: "2",
            },
          ],
        },
      },
    });
  });

  it("fills the defaults: values are the keys, equal weights, full coverage, id hashing, the key as seed", () => {
    const payload = buildFeaturesPayload([{ key: "simple", name: "Simple", status: "running", variations: [{ key: "a" }, { key: "b" }, { key: "c" }] }]);
    expect(payload.features.simple).toEqual({
      defaultValue: "a",
      rules: [
        {
          key: "simple",
          variations: ["a", "b", "c"],
          weights: [1 / 3, 1 / 3, 1 / 3],
          coverage: 1,
          hashAttribute: "id",
          seed: "simple",
          hashVersion: 2,
          name: "Simple",
          meta: [
            { key: "a", name: "a" },
            { key: "b", name: "b" },
            { key: "c", name: "c" },
          ],
        },
      ],
    });
  });

  it("leaves drafts out and serves stopped experiments' control to everybody", () => {
    const payload = buildFeaturesPayload([
      { ...checkout, status: "stopped" },
      { ...checkout, key: "draft-one", status: "draft", namespace: undefined },
    ]);
    expect(payload).toEqual({ features: { "checkout-redesign": { defaultValue: { layout: "classic" }, rules: [] } } });
  });

  it("emits the sticky-bucketing fields when set", () => {
    const rule = buildFeaturesPayload([{ ...checkout, sticky: { bucketVersion: 2, minBucketVersion: 1, fallbackAttribute: "device_id", disabled: true } }])
      .features["checkout-redesign"]!.rules[0]!;
    expect(rule).toMatchObject({ bucketVersion: 2, minBucketVersion: 1, fallbackAttribute: "device_id", disableStickyBucketing: true });
  });

  it("gives the same bytes and ETag for the same experiments in any order, another ETag after a change", () => {
    const other = { ...checkout, key: "banner", namespace: ["checkout", 0.6, 1] as [string, number, number] };
    const a = serializePayload(buildFeaturesPayload([checkout, other]));
    const b = serializePayload(buildFeaturesPayload([other, checkout]));
    expect(b).toEqual(a);
    expect(a.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(Object.keys(JSON.parse(a.body).features)).toEqual(["banner", "checkout-redesign"]);
    const changed = serializePayload(buildFeaturesPayload([{ ...checkout, weights: [1, 1] }, other]));
    expect(changed.etag).not.toBe(a.etag);
  });

  it("is loaded unchanged by the official SDK, which runs the experiment with its name, phase and variation keys", () => {
    const { body } = serializePayload(buildFeaturesPayload([checkout]));
    const tracked: [Experiment<unknown>, Result<unknown>][] = [];
    let inside = 0;
    for (let i = 0; i < 2000; i++) {
      const gb = new GrowthBook({ attributes: { user_id: `u${i}`, country: i % 2 ? "US" : "FR" }, trackingCallback: (e, r) => void tracked.push([e, r]) });
      gb.initSync({ payload: JSON.parse(body) });
      const result = gb.evalFeature("checkout-redesign");
      if (result.source === "experiment") {
        inside++;
        expect(result.value).toEqual(result.experimentResult!.key === "control" ? { layout: "classic" } : { layout: "one-page" });
      } else {
        expect(result.value).toEqual({ layout: "classic" });
      }
    }
    // US only (half), then namespace 60% and coverage 50%: about 15% of users
    expect(inside / 2000).toBeGreaterThan(0.11);
    expect(inside / 2000).toBeLessThan(0.19);
    expect(tracked).toHaveLength(inside);
    const [experiment, result] = tracked[0]!;
    expect(experiment).toMatchObject({ key: "checkout-redesign", name: "Checkout redesign", phase: "2", hashVersion: 2, seed: "checkout-redesign-phase-2" });
    expect(["control", "treatment"]).toContain(result.key);
    expect(result.hashAttribute).toBe("user_id");
  });
});
