// The server's assignment equals what the official SDK does on a client holding the served payload,
// for 100,000 synthetic users over experiments with unequal weights, partial coverage, conditions,
// another hash attribute and a namespace shared by three experiments. Both also agree with the
// tests' reference of the algorithm (./reference-hash.ts).
import { GrowthBook } from "@growthbook/growthbook";
import { describe, expect, it } from "vitest";
import { createAssigner, type Assignment } from "@/lib/assignment/assigner";
import type { ExperimentDefinitionInput } from "@/lib/assignment/definition";
import { buildFeaturesPayload } from "@/lib/assignment/payload";
import { serializePayload } from "@/lib/assignment/payload-response";
import { prng } from "../stats/helpers";
import { bucketRanges, hashV1, hashV2, variationOf } from "./reference-hash";

const USERS = 100_000;

const EXPERIMENTS: ExperimentDefinitionInput[] = [
  {
    key: "pricing-page",
    name: "Pricing page",
    status: "running",
    variations: [{ key: "control" }, { key: "annual-first" }, { key: "monthly-first" }],
    weights: [0.1, 0.3, 0.6],
    coverage: 0.7,
    namespace: ["shared", 0, 0.4],
    phase: 1,
  },
  {
    key: "onboarding",
    name: "Onboarding",
    status: "running",
    variations: [{ key: "control", value: false }, { key: "checklist", value: true }],
    weights: [2, 1],
    coverage: 0.5,
    namespace: ["shared", 0.4, 0.75],
    seed: "onboarding-phase-0",
  },
  {
    key: "search-ranking",
    name: "Search ranking",
    status: "running",
    variations: [{ key: "control", value: 0 }, { key: "learned", value: 1 }],
    namespace: ["shared", 0.75, 1],
    condition: { country: { $in: ["US", "CA"] } },
  },
  {
    key: "app-banner",
    name: "App banner",
    status: "running",
    variations: [{ key: "none", value: null }, { key: "small", value: { size: "s" } }, { key: "large", value: { size: "l" } }],
    weights: [0.5, 0.25, 0.25],
    coverage: 0.25,
    hashAttribute: "device_id",
    condition: { age: { $gte: 18 } },
  },
];

const COUNTRIES = ["US", "CA", "GB", "DE", "BR"];

function syntheticUser(i: number, random: () => number): Record<string, unknown> {
  const hex = () => Math.floor(random() * 0x100000000).toString(16).padStart(8, "0");
  const user: Record<string, unknown> = {
    id: i % 4 === 0 ? String(100000 + i) : `${hex()}-${hex().slice(0, 4)}-4${hex().slice(0, 3)}-${hex().slice(0, 4)}-${hex()}${hex().slice(0, 4)}`,
    country: COUNTRIES[Math.floor(random() * COUNTRIES.length)],
    age: 13 + Math.floor(random() * 60),
  };
  if (random() < 0.9) user.device_id = `dev-${hex()}`;
  return user;
}

/** What a JavaScript client would get: its own GrowthBook instance on the payload JSON, features evaluated, exposures tracked. */
function clientSide(body: string, attributes: Record<string, unknown>) {
  const tracked = new Map<string, string>();
  const gb = new GrowthBook({ attributes, trackingCallback: (experiment, result) => void tracked.set(experiment.key, result.key) });
  gb.initSync({ payload: JSON.parse(body) });
  return EXPERIMENTS.map((e) => ({ feature: gb.evalFeature(e.key), tracked: tracked.get(e.key as string) }));
}

/** The test's own prediction from the algorithm's definition. */
function reference(e: ExperimentDefinitionInput, attributes: Record<string, unknown>): { variation: number; bucket: number } | null {
  const hashAttribute = e.hashAttribute ?? "id";
  const id = attributes[hashAttribute];
  if (typeof id !== "string") return null;
  if (e.namespace) {
    const n = hashV1(`__${e.namespace[0]}`, id);
    if (!(n >= e.namespace[1] && n < e.namespace[2])) return null;
  }
  if (e.key === "search-ranking" && !["US", "CA"].includes(attributes.country as string)) return null;
  if (e.key === "app-banner" && !((attributes.age as number) >= 18)) return null;
  const raw = e.weights ?? e.variations.map(() => 1);
  const total = raw.reduce((a, b) => a + b, 0);
  const bucket = hashV2(e.seed ?? (e.key as string), id);
  const variation = variationOf(bucket, bucketRanges(raw.map((w) => w / total), e.coverage ?? 1));
  return variation < 0 ? null : { variation, bucket };
}

describe("server-side assignment equals the SDK on the client", () => {
  it(`agrees on ${USERS.toLocaleString("en")} synthetic users, keeps the namespace exclusive and splits as weighted`, () => {
    const { body } = serializePayload(buildFeaturesPayload(EXPERIMENTS));
    const assigner = createAssigner(JSON.parse(body));
    expect(assigner.experimentKeys).toEqual(["app-banner", "onboarding", "pricing-page", "search-ranking"]);
    const random = prng(20260613);
    const counts = EXPERIMENTS.map((e) => e.variations.map(() => 0));
    const eligible = EXPERIMENTS.map(() => 0);
    let inTwoOfNamespace = 0;
    let compared = 0;
    const mismatches: string[] = [];

    for (let i = 0; i < USERS; i++) {
      const attributes = syntheticUser(i, random);
      const byKey = new Map<string, Assignment>(assigner.assign({ attributes }).map((a) => [a.experimentKey, a]));
      const client = clientSide(body, attributes);
      let namespaceMemberships = 0;
      EXPERIMENTS.forEach((e, x) => {
        const server = byKey.get(e.key as string)!;
        const { feature, tracked } = client[x]!;
        const clientIn = feature.source === "experiment" && feature.experimentResult!.inExperiment;
        const r = clientIn ? feature.experimentResult! : null;
        const expected = reference(e, attributes);
        // the server against the client SDK, and both against the reference algorithm
        const server_ = [server.inExperiment, server.variationIndex, server.variationKey, server.bucket, server.tracked ? server.variationKey : null];
        const client_ = [clientIn, r?.variationId ?? null, r?.key ?? null, r?.bucket ?? null, tracked ?? null];
        const reference_ = [expected !== null, expected?.variation ?? null, server.variationKey, expected?.bucket ?? null, server.variationKey];
        if (JSON.stringify(server_) !== JSON.stringify(client_) || JSON.stringify(server.value) !== JSON.stringify(feature.value)) {
          mismatches.push(`${e.key} ${JSON.stringify(attributes)}: server ${JSON.stringify([...server_, server.value])} client ${JSON.stringify([...client_, feature.value])}`);
        }
        if (JSON.stringify(server_) !== JSON.stringify(reference_)) {
          mismatches.push(`${e.key} ${JSON.stringify(attributes)}: server ${JSON.stringify(server_)} reference ${JSON.stringify(reference_)}`);
        }
        compared++;
        if (server.inExperiment) {
          counts[x]![server.variationIndex!]!++;
          if (e.namespace) namespaceMemberships++;
        }
      });
      if (namespaceMemberships > 1) inTwoOfNamespace++;
      if (["US", "CA"].includes(attributes.country as string)) eligible[2]!++;
      if ((attributes.age as number) >= 18 && attributes.device_id) eligible[3]!++;
    }
    eligible[0] = USERS;
    eligible[1] = USERS;

    expect(compared).toBe(USERS * EXPERIMENTS.length);
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(inTwoOfNamespace).toBe(0);
    // each variation's share of its eligible users is namespace width × coverage × weight, within 5 standard errors
    EXPERIMENTS.forEach((e, x) => {
      const width = e.namespace ? e.namespace[2] - e.namespace[1] : 1;
      const raw = e.weights ?? e.variations.map(() => 1);
      const total = raw.reduce((a, b) => a + b, 0);
      raw.forEach((w, v) => {
        const p = width * (e.coverage ?? 1) * (w / total);
        const n = eligible[x]!;
        const se = Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs(counts[x]![v]! / n - p), `${e.key} ${e.variations[v]!.key}`).toBeLessThan(5 * se);
      });
    });
  });
});
