import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { useTempEnvironment } from "../../support/temp-env";

// The collection endpoint's rate limit (issue 11 item 9, issue 13 item 4) through the real route on
// a real app database: COLLECT_REQUESTS_PER_MINUTE requests per key and address a minute, the next
// one answered 429 with Retry-After (and the key's CORS headers, so a browser can read it), nothing
// of it stored; another key, or the same key from another address, has its own count.

const env = useTempEnvironment("collect-rate");
const LIMIT = 3;
const ORIGIN = "https://shop.example.com";
let keyA: string;
let keyB: string;

beforeAll(async () => {
  process.env.COLLECT_REQUESTS_PER_MINUTE = String(LIMIT);
  resetConfig();
  const { migrate } = await import("@/lib/db/migrate");
  await migrate();
  const { createApiKey } = await import("@/lib/auth/api-keys");
  keyA = (await createApiKey({ name: "shop a", scope: "client", origins: [ORIGIN] }, null)).key;
  keyB = (await createApiKey({ name: "shop b", scope: "client", origins: [ORIGIN] }, null)).key;
});

afterAll(async () => {
  delete process.env.COLLECT_REQUESTS_PER_MINUTE;
  resetConfig();
  await env.cleanup();
});

const exposure = () => ({
  event_id: randomUUID(),
  type: "exposure",
  user_id: `u-${randomUUID()}`,
  experiment_id: "checkout",
  variant: "control",
  timestamp: new Date().toISOString(),
});

async function post(key: string, address: string, items: unknown[] = [exposure()]) {
  const { POST } = await import("@/app/api/collect/route");
  const res = await POST(
    new Request("http://app.test/api/collect", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, origin: ORIGIN, "x-forwarded-for": address },
      body: JSON.stringify(items),
    }),
  );
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe("POST /api/collect over its rate limit", () => {
  it("answers the request over the limit 429 with Retry-After, and stores nothing of it", async () => {
    for (let i = 0; i < LIMIT; i++) {
      const ok = await post(keyA, "203.0.113.7");
      expect(ok.status, `request ${i + 1}`).toBe(200);
      expect(ok.body.accepted).toBe(1);
    }
    const refused = exposure();
    const over = await post(keyA, "203.0.113.7", [refused]);
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.body.error).toBe(`too many requests: at most ${LIMIT} collection requests per minute; try again in ${retryAfter} s`);
    expect(over.headers.get("access-control-allow-origin")).toBe(ORIGIN);

    const { prisma } = await import("@/lib/db");
    expect(await prisma.collectedItem.count()).toBe(LIMIT);
    expect(await prisma.collectedItem.count({ where: { eventId: refused.event_id } })).toBe(0);
    // still refused: the count is per minute, not per burst
    expect((await post(keyA, "203.0.113.7")).status).toBe(429);
  });

  it("counts another key, and the same key from another address, on their own", async () => {
    const b = await post(keyB, "203.0.113.7");
    expect(b.status).toBe(200);
    expect(b.body.accepted).toBe(1);
    const elsewhere = await post(keyA, "198.51.100.20");
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.accepted).toBe(1);
    for (let i = 1; i < LIMIT; i++) expect((await post(keyB, "203.0.113.7")).status).toBe(200);
    expect((await post(keyB, "203.0.113.7")).status).toBe(429);
  });
});
