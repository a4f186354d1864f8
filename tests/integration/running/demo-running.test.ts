import { GrowthBookClient } from "@growthbook/growthbook";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../../support/temp-env";

// The demo's running experiment (issue 13, item 8): registered with dates around today and an open
// end, it is in the SDK payload with its rule, GrowthBook's client assigns users to both variants,
// and registering it again leaves an existing one (maybe edited since) alone.

const env = useTempEnvironment("demo-running");

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  await migrate();
});
afterAll(() => env.cleanup());

describe("the demo's running experiment", () => {
  it("is running since a few days before today, open-ended, and served with a rule", async () => {
    const { RUNNING_DEMO, registerRunningDemo } = await import("@/lib/demo/running");
    const { getExperiment, listExperiments } = await import("@/lib/analysis/store");
    const { payloadFor } = await import("@/lib/running/features");
    const today = new Date("2026-11-30T10:00:00Z");
    expect(await registerRunningDemo(today)).toBe(true);
    const exp = (await getExperiment(RUNNING_DEMO.id))!;
    expect(exp).toMatchObject({ status: "running", startDate: "2026-11-28", endDate: null, controlVariant: "control" });

    const served = payloadFor(await listExperiments(), "2026-11-30");
    expect(served.leftOut.get(RUNNING_DEMO.id)).toBeUndefined();
    const rule = served.payload.features[RUNNING_DEMO.id]!.rules[0]!;
    expect(rule).toMatchObject({ key: RUNNING_DEMO.id, variations: ["control", "banner"], weights: [0.5, 0.5], coverage: 1, hashAttribute: "id", hashVersion: 2 });

    const sdk = new GrowthBookClient();
    await sdk.init({ payload: served.payload });
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const v = String(sdk.evalFeature(RUNNING_DEMO.id, { attributes: { id: `user-${i}` } }).value);
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(["banner", "control"]);
    expect(Math.abs(seen.get("banner")! / 2000 - 0.5)).toBeLessThan(0.05);
    sdk.destroy();
  });

  it("is not registered again over an existing one", async () => {
    const { RUNNING_DEMO, registerRunningDemo } = await import("@/lib/demo/running");
    const { getExperiment } = await import("@/lib/analysis/store");
    expect(await registerRunningDemo(new Date("2026-12-05T10:00:00Z"))).toBe(false);
    expect((await getExperiment(RUNNING_DEMO.id))!.startDate).toBe("2026-11-28");
  });
});
