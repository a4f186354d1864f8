// The official SDK fetching the payload over HTTP, as it will from GET /api/features/<client-key>:
// a real HTTP server (loopback) answers with featuresResponse(), and the SDK's own loader (init)
// takes it unchanged and assigns as our server does.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { clearCache, GrowthBook, GrowthBookClient } from "@growthbook/growthbook";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAssigner } from "@/lib/assignment/assigner";
import { buildFeaturesPayload } from "@/lib/assignment/payload";
import { featuresResponse } from "@/lib/assignment/payload-response";

const CLIENT_KEY = "sdk-test-key";
const payload = buildFeaturesPayload([
  {
    key: "checkout",
    name: "Checkout",
    status: "running",
    variations: [{ key: "control" }, { key: "one-page" }],
    weights: [0.3, 0.7],
    coverage: 0.8,
    namespace: ["checkout", 0, 0.5],
    condition: { country: { $in: ["US", "CA"] } },
    phase: 1,
  },
  { key: "banner", name: "Banner", status: "running", variations: [{ key: "off", value: false }, { key: "on", value: true }], namespace: ["checkout", 0.5, 1] },
]);

let server: Server;
let host: string;
const requests: { url: string; ifNoneMatch?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", ifNoneMatch: req.headers["if-none-match"] });
    if (req.method === "GET" && req.url === `/api/features/${CLIENT_KEY}`) {
      const answer = featuresResponse(payload, req.headers["if-none-match"]);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: "unknown client key" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  clearCache();
  requests.length = 0;
});

describe("the SDK loads the payload from our endpoint", () => {
  it("a browser-style GrowthBook instance fetches, evaluates and tracks as the server assigns", async () => {
    const server = createAssigner(payload);
    let inExperiment = 0;
    for (let i = 0; i < 300; i++) {
      const attributes = { id: `visitor-${i}`, country: i % 3 === 0 ? "DE" : "US" };
      const tracked: string[] = [];
      const gb = new GrowthBook({ apiHost: host, clientKey: CLIENT_KEY, attributes, trackingCallback: (e, r) => void tracked.push(`${e.key}:${r.key}`) });
      const loaded = await gb.init({ timeout: 5000, streaming: false });
      expect(loaded).toMatchObject({ success: true });
      for (const a of server.assign({ attributes })) {
        const f = gb.evalFeature(a.experimentKey);
        expect(f.value).toEqual(a.value);
        expect(f.source === "experiment" ? f.experimentResult!.key : null).toBe(a.variationKey);
        if (a.inExperiment) inExperiment++;
      }
      expect(tracked).toEqual(server.assign({ attributes }).filter((a) => a.tracked).map((a) => `${a.experimentKey}:${a.variationKey}`));
      gb.destroy();
    }
    expect(inExperiment).toBeGreaterThan(100);
    expect(requests.every((r) => r.url === `/api/features/${CLIENT_KEY}`)).toBe(true);
    expect(requests.length).toBeGreaterThan(0);
  });

  it("the multi-user server SDK (GrowthBookClient) loads it the same way", async () => {
    const client = new GrowthBookClient({ apiHost: host, clientKey: CLIENT_KEY });
    expect(await client.init({ timeout: 5000, streaming: false })).toMatchObject({ success: true, source: "network" });
    expect(client.getPayload()).toEqual(payload);
    client.destroy();
  });

  it("answers a repeated request carrying the ETag with 304 and no body; an unknown key fails the SDK's init cleanly", async () => {
    const first = await fetch(`${host}/api/features/${CLIENT_KEY}`);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("public, max-age=30, stale-while-revalidate=3600");
    const etag = first.headers.get("etag")!;
    expect(await first.json()).toEqual(payload);
    const second = await fetch(`${host}/api/features/${CLIENT_KEY}`, { headers: { "If-None-Match": etag } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe("");

    const gb = new GrowthBook({ apiHost: host, clientKey: "nope" });
    const result = await gb.init({ timeout: 5000, streaming: false });
    expect(result.success).toBe(false);
    expect(gb.evalFeature("checkout").source).toBe("unknownFeature");
    gb.destroy();
  });
});
