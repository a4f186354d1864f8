import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBigQuery, googleError } from "../../support/fake-bigquery";
import { useTempEnvironment } from "../../support/temp-env";

// Collected items streamed into BigQuery by the real client (tabledata.insertAll against the local
// fake): each row with insertId = its event id, so a batch sent again after a lost answer lands once.

const env = useTempEnvironment("collect-bq");
let fake: FakeBigQuery;

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  await migrate();
  fake = await FakeBigQuery.start("shop-project");
});

afterAll(async () => {
  await fake.close();
  await env.cleanup();
});

function items(n: number) {
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 0
      ? { kind: "event" as const, row: { event_id: randomUUID(), user_id: `u${i}`, event_name: "purchase", event_time: "2026-11-30 10:00:00.000", event_date: "2026-11-30", value: i } }
      : { kind: "exposure" as const, row: { event_id: randomUUID(), user_id: `u${i}`, experiment_id: "checkout", variant: "b", exposed_at: "2026-11-30 09:00:00.000", event_date: "2026-11-30", platform: null, country: "US" } },
  );
}

describe("flushing to BigQuery", () => {
  it("streams exposures and events into their tables with insertId = event id, once each, also after a lost answer", async () => {
    const { storeItems } = await import("@/lib/collect/inbox");
    const { flushInbox } = await import("@/lib/collect/flusher");
    const sent = items(300);
    expect(await storeItems(sent)).toBe(300);
    // the service stores the first exposure request and answers with an error the client does not
    // retry itself: the batch fails and the flusher sends it again, whole
    fake.failNext("tabledata.insertAll", { ...googleError(400, "invalid", "something went wrong"), afterApply: true });
    await expect(flushInbox({ warehouse: "bigquery", bigquery: fake.config({ dataset: "analytics" }), batchItems: 500 })).rejects.toThrow(
      /streaming exposures into analytics\.exposures failed/,
    );
    const again = await flushInbox({ warehouse: "bigquery", bigquery: fake.config({ dataset: "analytics" }), batchItems: 500 });
    expect(again).toMatchObject({ batches: 1, items: 300 });
    const exposures = fake.tables.get("analytics.exposures")!;
    const events = fake.tables.get("analytics.events")!;
    expect(exposures).toHaveLength(200);
    expect(events).toHaveLength(100);
    expect(new Set(exposures.map((r) => r.insertId)).size).toBe(200);
    for (const r of [...exposures, ...events]) expect(r.insertId).toBe(r.json.event_id);
    const first = sent.find((s) => s.kind === "event")!;
    expect(events.find((r) => r.insertId === first.row.event_id)!.json).toEqual(first.row);
    // insertAll was called for exposures twice (the failed answer and the retry) with the same ids
    const calls = fake.requestsTo("tabledata.insertAll").filter((r) => r.path.endsWith("/exposures/insertAll"));
    expect(calls).toHaveLength(2);
    const ids = (r: (typeof calls)[number]) => ((r.body as unknown as { rows: { insertId: string }[] }).rows ?? []).map((x) => x.insertId).sort();
    expect(ids(calls[0]!)).toEqual(ids(calls[1]!));
  });
});

describe("the client's own retries", () => {
  it("a transient error (503) is retried by the client with the same insertIds; the rows land once", async () => {
    fake.reset();
    const { storeItems } = await import("@/lib/collect/inbox");
    const { flushInbox } = await import("@/lib/collect/flusher");
    await storeItems(items(30));
    fake.failNext("tabledata.insertAll", { ...googleError(503, "backendError", "try again"), afterApply: true });
    expect(await flushInbox({ warehouse: "bigquery", bigquery: fake.config({ dataset: "analytics" }) })).toMatchObject({ batches: 1, items: 30 });
    expect(fake.tables.get("analytics.exposures")).toHaveLength(20);
    expect(fake.requestsTo("tabledata.insertAll").filter((r) => r.path.endsWith("/exposures/insertAll"))).toHaveLength(2);
  });
});
