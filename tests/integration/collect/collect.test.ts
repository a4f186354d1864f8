import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { useTempEnvironment } from "../../support/temp-env";

// POST /api/collect through its real handler on a real app database, and the flusher into a real
// DuckDB file: validation by item, de-duplication by event id, CORS for the key's origins, and
// batches written to the warehouse exactly once even when a write is repeated after a crash.

const env = useTempEnvironment("collect");
let clientKey: string;
let writeKey: string;
const ORIGIN = "https://shop.example.com";

beforeAll(async () => {
  process.env.COLLECT_REQUESTS_PER_MINUTE = "100000";
  resetConfig();
  const { migrate } = await import("@/lib/db/migrate");
  await migrate();
  const { createApiKey } = await import("@/lib/auth/api-keys");
  clientKey = (await createApiKey({ name: "shop", scope: "client", origins: [ORIGIN] }, null)).key;
  writeKey = (await createApiKey({ name: "ci", scope: "write" }, null)).key;
});

afterAll(async () => {
  const { closeIdleDuckDbInstances } = await import("@/lib/warehouse/duckdb-instances");
  closeIdleDuckDbInstances();
  delete process.env.COLLECT_REQUESTS_PER_MINUTE;
  await env.cleanup();
});

beforeEach(async () => {
  const { prisma } = await import("@/lib/db");
  await prisma.collectedItem.deleteMany();
  await prisma.collectBatch.deleteMany();
});

async function post(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${clientKey}` }, url = "http://app.test/api/collect") {
  const { POST } = await import("@/app/api/collect/route");
  const res = await POST(new Request(url, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }));
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const exposure = (over: Record<string, unknown> = {}) => ({
  event_id: randomUUID(),
  type: "exposure",
  user_id: `u-${randomUUID()}`,
  experiment_id: "checkout",
  variant: "control",
  timestamp: "2026-11-30T10:00:00Z",
  ...over,
});
const event = (over: Record<string, unknown> = {}) => ({
  event_id: randomUUID(),
  type: "event",
  user_id: "u-1",
  event_name: "purchase",
  timestamp: 1_796_032_800_000,
  value: 12.5,
  ...over,
});

async function warehouseRows(sql: string): Promise<Record<string, unknown>[]> {
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  const wh = await DuckDbWarehouse.open({ path: env.warehouse });
  try {
    return (await wh.query(sql)).rows;
  } finally {
    await wh.close();
  }
}

describe("POST /api/collect", () => {
  it("keeps the good items, reports each bad one by index, and answers duplicates as no-ops", async () => {
    const good = [exposure(), event(), exposure({ user_id: 42, platform: "ios", country: "DE" })];
    const res = await post([
      good[0],
      { ...exposure(), timestamp: "yesterday" },
      good[1],
      { ...event(), value: "a lot" },
      good[2],
      { ...exposure(), type: "click" },
      { ...exposure(), user_id: "x".repeat(129) },
      { ...exposure(), colour: "red" },
      good[0], // the same item twice in one batch
      "not an object",
      { ...event(), timestamp: new Date(Date.now() + 3 * 86400_000).toISOString() },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(3);
    expect(res.body.duplicates).toBe(1);
    expect(res.body.rejected).toEqual([
      { index: 1, error: "timestamp: the timestamp must be ISO 8601 with a time zone, e.g. 2026-11-30T14:05:00Z" },
      { index: 3, error: "value: expected the value as a number" },
      { index: 5, error: 'type: expected "exposure" or "event" (got "click")' },
      { index: 6, error: "user_id: the user_id is at most 128 characters" },
      { index: 7, error: "unknown field colour" },
      { index: 9, error: "expected an object" },
      { index: 10, error: "timestamp: the timestamp is more than a day in the future" },
    ]);
    // sent again (a retry whose answer was lost): nothing new
    const again = await post(good);
    expect(again.body).toEqual({ accepted: 0, duplicates: 3, rejected: [] });
    const { inboxStatus } = await import("@/lib/collect/inbox");
    expect((await inboxStatus()).pending).toBe(3);
  });

  it("takes the key from ?key= (sendBeacon cannot set headers) and refuses other keys, origins and bodies", async () => {
    expect((await post([exposure()], {}, `http://app.test/api/collect?key=${clientKey}`)).body.accepted).toBe(1);
    expect((await post([exposure()], {})).status).toBe(401);
    expect((await post([exposure()], { authorization: `Bearer exr_client_${"A".repeat(43)}` })).status).toBe(401);
    expect((await post([exposure()], { authorization: `Bearer ${writeKey}` })).status).toBe(403);
    const foreign = await post([exposure()], { authorization: `Bearer ${clientKey}`, origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const allowed = await post([exposure()], { authorization: `Bearer ${clientKey}`, origin: ORIGIN });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect((await post("{not json")).body.error).toMatch(/^the body is not JSON/);
    expect((await post({ item: [] })).status).toBe(400);
    const tooMany = await post(Array.from({ length: 1001 }, () => exposure()));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatch(/at most 1000 items per request \(got 1001\)/);
    expect((await post({ items: Array.from({ length: 1000 }, () => exposure()) })).body.accepted).toBe(1000);
    const huge = await post([{ ...exposure(), variant: "v".repeat(2 * 1024 * 1024) }]);
    expect(huge.status).toBe(413);
  });

  it("answers a CORS preflight for the key's origins only", async () => {
    const { OPTIONS } = await import("@/app/api/collect/route");
    const ok = await OPTIONS(new Request(`http://app.test/api/collect?key=${clientKey}`, { method: "OPTIONS", headers: { origin: ORIGIN } }));
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS");
    const no = await OPTIONS(new Request(`http://app.test/api/collect?key=${clientKey}`, { method: "OPTIONS", headers: { origin: "https://evil.example" } }));
    expect(no.status).toBe(403);
  });
});

describe("the flusher", () => {
  it("moves every acknowledged item to the warehouse exactly once, as the tables' own columns", async () => {
    const { flushInbox } = await import("@/lib/collect/flusher");
    const exposures = Array.from({ length: 250 }, (_, i) => exposure({ user_id: `user-${i}`, variant: i % 2 ? "treatment" : "control", platform: i % 3 ? "web" : null }));
    const events = Array.from({ length: 150 }, (_, i) => event({ user_id: `user-${i}`, value: i % 5 ? i : null }));
    for (let i = 0; i < 400; i += 100) await post([...exposures, ...events].slice(i, i + 100));
    const out = await flushInbox({ batchItems: 120 });
    expect(out).toEqual({ batches: 4, items: 400, alreadyWritten: 0 });
    expect(await flushInbox()).toEqual({ batches: 0, items: 0, alreadyWritten: 0 });
    const [counts] = await warehouseRows(`SELECT (SELECT count(*) FROM exposures) AS e, (SELECT count(DISTINCT event_id) FROM exposures) AS de,
      (SELECT count(*) FROM events) AS v, (SELECT count(DISTINCT event_id) FROM events) AS dv, (SELECT count(*) FROM collect_batches) AS b`);
    expect(counts).toEqual({ e: 250, de: 250, v: 150, dv: 150, b: 4 });
    const [row] = await warehouseRows(`SELECT user_id, variant, exposed_at, event_date, platform FROM exposures WHERE event_id = '${exposures[3]!.event_id}'`);
    expect(row).toEqual({ user_id: "user-3", variant: "treatment", exposed_at: "2026-11-30T10:00:00.000Z", event_date: "2026-11-30T00:00:00.000Z", platform: null });
    const [ev] = await warehouseRows(`SELECT event_time, value FROM events WHERE event_id = '${events[7]!.event_id}'`);
    expect(ev).toEqual({ event_time: new Date(1_796_032_800_000).toISOString(), value: 7 });
    const { inboxStatus } = await import("@/lib/collect/inbox");
    expect(await inboxStatus()).toMatchObject({ pending: 0, flushed: 400 });
  });

  it("a batch written before a crash and claimed again is not written twice", async () => {
    const { claimBatch, releaseBatch } = await import("@/lib/collect/inbox");
    const { writeBatchToDuckDb } = await import("@/lib/collect/sink-duckdb");
    const { flushInbox } = await import("@/lib/collect/flusher");
    const { prisma } = await import("@/lib/db");
    const items = Array.from({ length: 50 }, () => exposure());
    await post(items);
    // the warehouse transaction commits, then the process dies before the app database hears of it
    const batch = (await claimBatch("duckdb", 1000))!;
    expect(await writeBatchToDuckDb({ file: env.warehouse }, batch.id, batch.items)).toBe(true);
    releaseBatch(batch.id); // what a dead process leaves: a claimed batch nobody holds
    await prisma.collectBatch.update({ where: { id: batch.id }, data: { ownerPid: 999_999_9 } });
    const out = await flushInbox();
    expect(out).toEqual({ batches: 1, items: 50, alreadyWritten: 1 });
    const ids = items.map((i) => `'${i.event_id}'`).join(", ");
    const [after] = await warehouseRows(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM exposures WHERE event_id IN (${ids})`);
    expect(after).toEqual({ n: 50, d: 50 });
  });

  it("forgets flushed event ids after the de-duplication window, and not before", async () => {
    const { flushInbox } = await import("@/lib/collect/flusher");
    const { pruneFlushed } = await import("@/lib/collect/inbox");
    const item = exposure();
    await post([item]);
    await flushInbox();
    expect(await pruneFlushed(3600_000)).toBe(0);
    expect((await post([item])).body.duplicates).toBe(1);
    expect(await pruneFlushed(3600_000, Date.now() + 2 * 3600_000)).toBe(1);
    expect((await post([item])).body.accepted).toBe(1);
  });
});
