import { GrowthBookClient } from "@growthbook/growthbook";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentInput } from "@/lib/analysis/experiments";
import { useTempEnvironment } from "../../support/temp-env";

// The SDK-facing routes on a real app database: experiments saved through saveExperiment (phases
// included) become the features payload, GrowthBook's own client loads it and assigns as
// POST /api/assign does, and a change of weights while running starts a new phase in the payload.

const env = useTempEnvironment("features");
let clientKey: string;
const ORIGIN = "https://app.example.com";
const TODAY = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86400_000).toISOString().slice(0, 10);

const base = (id: string, over: Partial<ExperimentInput> = {}): ExperimentInput => ({
  id,
  name: `Experiment ${id}`,
  hypothesis: "",
  owner: "",
  status: "running",
  startDate: daysAgo(10),
  endDate: null,
  controlVariant: "control",
  variants: [
    { key: "control", name: "Control", weight: 1 },
    { key: "treatment", name: "Treatment", weight: 1 },
  ],
  metrics: [{ key: "purchases", role: "primary" }],
  ...over,
});

async function save(input: ExperimentInput, today = TODAY) {
  const { saveExperiment } = await import("@/lib/analysis/store");
  const { forgetServedPayload } = await import("@/lib/running/features");
  await saveExperiment(input, today);
  forgetServedPayload();
}

async function features(headers: Record<string, string> = {}, key = clientKey) {
  const { GET } = await import("@/app/api/features/[clientKey]/route");
  return GET(new Request(`http://app.test/api/features/${key}`, { headers }), { params: Promise.resolve({ clientKey: key }) });
}

async function assign(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${clientKey}` }) {
  const { POST } = await import("@/app/api/assign/route");
  const res = await POST(new Request("http://app.test/api/assign", { method: "POST", headers, body: JSON.stringify(body) }));
  return { status: res.status, body: (await res.json()) as { assignments?: { experimentKey: string; variationKey: string | null; inExperiment: boolean; phase: string | null }[]; error?: string } };
}

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  await migrate();
  const { createApiKey } = await import("@/lib/auth/api-keys");
  clientKey = (await createApiKey({ name: "web", scope: "client", origins: [ORIGIN] }, null)).key;
  await save(base("checkout", { assignment: { coverage: 0.8, hashAttribute: "id", seed: null, namespace: ["shop", 0, 0.5], condition: { country: { $in: ["US", "CA"] } } } }));
  await save(base("banner", { exposureKey: "banner-2026", assignment: { coverage: 1, hashAttribute: "id", seed: "s1", namespace: ["shop", 0.5, 1], condition: null } }));
  await save(base("ended", { status: "stopped", endDate: daysAgo(2) }));
  await save(base("planned", { status: "draft" }));
  await save(base("later", { startDate: daysAgo(-3) }));
});

afterAll(() => env.cleanup());

describe("GET /api/features/<client key>", () => {
  it("serves running experiments with their rule, stopped ones without, drafts not at all; ETag and 304", async () => {
    const res = await features({ origin: ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("cache-control")).toMatch(/max-age=30/);
    const payload = (await res.json()) as { features: Record<string, { defaultValue: unknown; rules: Record<string, unknown>[] }> };
    expect(Object.keys(payload.features).sort()).toEqual(["banner-2026", "checkout", "ended", "later"]);
    expect(payload.features.checkout!.rules).toEqual([
      expect.objectContaining({
        key: "checkout",
        variations: ["control", "treatment"],
        weights: [0.5, 0.5],
        coverage: 0.8,
        namespace: ["shop", 0, 0.5],
        condition: { country: { $in: ["US", "CA"] } },
        seed: "checkout",
        hashVersion: 2,
        phase: "0",
      }),
    ]);
    expect(payload.features["banner-2026"]!.rules[0]).toMatchObject({ key: "banner-2026", seed: "s1" });
    expect(payload.features.ended!.rules).toEqual([]);
    expect(payload.features.later!.rules).toEqual([]); // starts in three days
    const etag = res.headers.get("etag")!;
    const again = await features({ "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect((await features({}, `exr_client_${"B".repeat(43)}`)).status).toBe(401);
    expect((await features({ origin: "https://other.example" })).status).toBe(403);
  });

  it("GrowthBook's client assigns from the payload exactly as POST /api/assign does", async () => {
    const payload = await (await features()).json();
    const client = new GrowthBookClient().initSync({ payload });
    let inCheckout = 0;
    for (let i = 0; i < 400; i++) {
      const attributes = { id: `user-${i}`, country: i % 4 === 0 ? "DE" : "US" };
      const { status, body } = await assign({ attributes });
      expect(status).toBe(200);
      for (const a of body.assignments!) {
        const f = client.evalFeature(a.experimentKey, { attributes });
        const expected = f.source === "experiment" && f.experimentResult?.inExperiment ? f.experimentResult.key : null;
        expect(a.variationKey, `${a.experimentKey} for user-${i}`).toBe(expected);
        if (a.experimentKey === "checkout" && a.inExperiment) inCheckout++;
      }
      const both = body.assignments!.filter((a) => a.inExperiment).map((a) => a.experimentKey);
      expect(both.length).toBeLessThanOrEqual(1); // one namespace, disjoint ranges
    }
    // about 75% of users are in US/CA, half the namespace, 80% coverage: ≈ 0.3 × 400
    expect(inCheckout).toBeGreaterThan(80);
    expect(inCheckout).toBeLessThan(160);
  });

  it("POST /api/assign refuses bad bodies and unknown experiments, and needs a client key", async () => {
    expect((await assign({ attributes: { id: "x".repeat(129) } })).body.error).toMatch(/attributes.id: an id is at most 128 characters/);
    expect((await assign({ attributes: { id: "u1" }, experiments: ["nope"] })).status).toBe(404);
    expect((await assign({ attributes: "u1" })).status).toBe(400);
    expect((await assign({ attributes: { id: "u1" } }, {})).status).toBe(401);
    const one = await assign({ attributes: { id: "u1", country: "US" }, experiments: ["banner-2026"] });
    expect(one.body.assignments!.map((a) => a.experimentKey)).toEqual(["banner-2026"]);
  });
});

describe("phases", () => {
  it("a change of weights while running starts a new phase that the payload serves; the old one ends the day before", async () => {
    await save(base("pricing"), daysAgo(10));
    await save(base("pricing", { name: "Pricing, renamed" }), daysAgo(5)); // not an assignment change
    await save(base("pricing", { variants: [{ key: "control", name: "Control", weight: 1 }, { key: "treatment", name: "Treatment", weight: 3 }] }), daysAgo(3));
    const { getExperiment } = await import("@/lib/analysis/store");
    const { phasesOf } = await import("@/lib/analysis/phases");
    const phases = phasesOf((await getExperiment("pricing"))!);
    expect(phases.map((p) => [p.number, p.startDate, p.endDate, p.weights, p.reason])).toEqual([
      [0, daysAgo(10), daysAgo(4), [0.5, 0.5], ""],
      [1, daysAgo(3), null, [0.25, 0.75], "weights changed"],
    ]);
    const payload = (await (await features()).json()) as { features: Record<string, { rules: { phase: string; weights: number[] }[] }> };
    expect(payload.features.pricing!.rules[0]).toMatchObject({ phase: "1", weights: [0.25, 0.75] });
    // a draft is changed in place: it served nobody
    await save(base("sketch", { status: "draft" }));
    await save(base("sketch", { status: "draft", assignment: { coverage: 0.5, hashAttribute: "id", seed: null, namespace: null, condition: null } }));
    expect(phasesOf((await getExperiment("sketch"))!).map((p) => [p.number, p.coverage])).toEqual([[0, 0.5]]);
  });

  it("the analysis covers the current phase by default, another one, or all", async () => {
    const { getExperiment } = await import("@/lib/analysis/store");
    const { planFor } = await import("@/lib/analysis/plan");
    const { loadCatalog } = await import("@/lib/metrics/registry");
    const exp = (await getExperiment("pricing"))!;
    const catalog = await loadCatalog();
    const dates = (phase?: number | "all") => {
      const p = planFor(exp, catalog, { phase, today: TODAY });
      return [p.phase, p.startDate, p.endDate];
    };
    expect(dates()).toEqual(["1", daysAgo(3), TODAY]);
    expect(dates(0)).toEqual(["0", daysAgo(10), daysAgo(4)]);
    expect(dates("all")).toEqual(["all", daysAgo(10), TODAY]);
    expect(() => dates(7)).toThrow(/has no phase 7 \(its phases are 0, 1, or all\)/);
  });

  it("the sample-ratio check of a phase compares with that phase's split, the variants' own weights for all phases", async () => {
    const { getExperiment } = await import("@/lib/analysis/store");
    const { analysedWeights } = await import("@/lib/analysis/phases");
    const exp = (await getExperiment("pricing"))!;
    const split = (phase?: string) => analysedWeights(exp, phase).map((v) => [v.key, v.weight]);
    const current = split(undefined);
    expect(split("1")).toEqual([["control", 0.25], ["treatment", 0.75]]);
    expect(split("0")).toEqual([["control", 0.5], ["treatment", 0.5]]);
    // all phases together: the variants' own weights (the current definition)
    expect(split("all")).toEqual(exp.variants.map((v) => [v.key, v.weight]));
    expect(current).toEqual(exp.variants.map((v) => [v.key, v.weight]));
  });

  it("an experiment whose namespace range overlaps one served before it is left out, with the reason", async () => {
    const { listExperiments } = await import("@/lib/analysis/store");
    const { payloadFor } = await import("@/lib/running/features");
    await save(base("overlap", { assignment: { coverage: 1, hashAttribute: "id", seed: null, namespace: ["shop", 0.4, 0.6], condition: null } }));
    const served = payloadFor(await listExperiments(), TODAY);
    expect(Object.keys(served.payload.features)).not.toContain("overlap");
    expect(served.leftOut.get("overlap")).toMatch(/namespace: range \[0.4, 0.6\) of namespace "shop" overlaps/);
  });
});
