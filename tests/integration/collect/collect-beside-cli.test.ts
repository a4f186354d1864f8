import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetConfig } from "@/lib/config";
import { useTempEnvironment } from "../../support/temp-env";

// Collection beside a command-line process on DuckDB (issue 13 item 4, DESIGN §2 and §6): while
// another process holds the warehouse file, acknowledgements do not wait for it and the flusher
// keeps every item in the inbox without an error in the log; once the file is free, the items land
// exactly once and an analysis by the CLI reads them.

const env = useTempEnvironment("collect-cli");
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
const EXPERIMENT = "free-shipping-banner"; // the demo's running experiment: no exposures until collected
const PER_VARIANT = 60;
const BUYERS = { control: 6, banner: 15 };
let clientKey: string;
let holder: ChildProcess | null = null;

beforeAll(async () => {
  const seeded = spawnSync(tsx, ["scripts/seed.ts", "--users", "1000", "--days", "14", "--seed", "5"], { env: process.env, encoding: "utf8" });
  expect(seeded.status, seeded.stderr).toBe(0);
  process.env.COLLECT_REQUESTS_PER_MINUTE = "100000";
  process.env.COLLECT_FLUSH_MS = "50";
  process.env.DUCKDB_LOCK_WAIT_MS = "300";
  resetConfig();
  const { createApiKey } = await import("@/lib/auth/api-keys");
  clientKey = (await createApiKey({ name: "shop", scope: "client" }, null)).key;
}, 120_000);

afterAll(async () => {
  holder?.kill("SIGTERM");
  const { stopCollectionFlusher } = await import("@/lib/collect/flusher");
  await stopCollectionFlusher();
  const { closeIdleDuckDbInstances } = await import("@/lib/warehouse/duckdb-instances");
  closeIdleDuckDbInstances();
  for (const k of ["COLLECT_REQUESTS_PER_MINUTE", "COLLECT_FLUSH_MS", "DUCKDB_LOCK_WAIT_MS"]) delete process.env[k];
  resetConfig();
  await env.cleanup();
});

async function post(items: unknown[]): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const { POST } = await import("@/app/api/collect/route");
  const started = Date.now();
  const res = await POST(new Request("http://app.test/api/collect", { method: "POST", headers: { authorization: `Bearer ${clientKey}` }, body: JSON.stringify(items) }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: Date.now() - started };
}

/** Exposures of PER_VARIANT users per variant an hour ago, and purchases by the first BUYERS of each. */
function traffic(): { exposures: Record<string, unknown>[]; events: Record<string, unknown>[] } {
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const exposures: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  for (const variant of ["control", "banner"] as const) {
    for (let i = 0; i < PER_VARIANT; i++) {
      const user = `cli-${variant}-${i}`;
      exposures.push({ event_id: randomUUID(), type: "exposure", user_id: user, experiment_id: EXPERIMENT, variant, timestamp: at(60), platform: "web", country: "DE" });
      if (i < BUYERS[variant]) events.push({ event_id: randomUUID(), type: "event", user_id: user, event_name: "purchase", timestamp: at(30), value: 40 });
    }
  }
  return { exposures, events };
}

async function holdWarehouse(): Promise<ChildProcess> {
  const child = spawn(tsx, ["tests/support/hold-warehouse.ts", env.warehouse], { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => c.toString().includes("held") && resolve());
    child.on("exit", (code) => reject(new Error(`the holder exited (${code})`)));
  });
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function warehouseCounts(ids: string[]): Promise<Map<string, number>> {
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  const wh = await DuckDbWarehouse.open({ path: env.warehouse });
  try {
    const list = ids.map((id) => `'${id}'`).join(", ");
    const { rows } = await wh.query(
      `SELECT event_id, count(*) AS n FROM (SELECT event_id FROM exposures WHERE event_id IN (${list}) UNION ALL SELECT event_id FROM events WHERE event_id IN (${list})) GROUP BY event_id`,
    );
    return new Map(rows.map((r) => [String(r.event_id), Number(r.n)]));
  } finally {
    await wh.close();
  }
}

describe("collection while another process holds the DuckDB file", () => {
  it("keeps items pending without error or loss while held, then lands them exactly once for the CLI's analysis", async () => {
    const { flushInbox, flusherError, startCollectionFlusher, stopCollectionFlusher } = await import("@/lib/collect/flusher");
    const { inboxStatus } = await import("@/lib/collect/inbox");
    const { WarehouseBusyError } = await import("@/lib/warehouse/duckdb-instances");
    const { exposures, events } = traffic();
    const all = [...exposures, ...events];
    const ids = all.map((i) => String(i.event_id));

    // half sent before the CLI takes the file, half while it holds it: both acknowledged at once
    const first = await post(all.slice(0, 70));
    expect(first.body).toEqual({ accepted: 70, duplicates: 0, rejected: [] });
    holder = await holdWarehouse();
    const second = await post(all.slice(70));
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ accepted: all.length - 70, duplicates: 0, rejected: [] });
    expect(second.ms).toBeLessThan(300); // the ack did not wait for the file (its lock wait is 300 ms)

    // a direct flush gives up with the clean busy error and leaves every item in the inbox
    await expect(flushInbox()).rejects.toBeInstanceOf(WarehouseBusyError);
    expect((await inboxStatus()).pending).toBe(all.length);

    // the server's flusher keeps trying, quietly: the busy state is reported, nothing is logged or lost
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      startCollectionFlusher();
      const busy = await until("the flusher to find the file busy", async () => flusherError());
      expect(busy).toMatch(/^the DuckDB warehouse is in use by another process/);
      expect(busy).not.toContain(env.dir);
      await new Promise((r) => setTimeout(r, 1500)); // several more attempts
      expect(logged).not.toHaveBeenCalled();
      expect(await inboxStatus()).toMatchObject({ pending: all.length, flushed: 0 });
      // a retry of an acknowledged batch is still recognised while it waits
      expect((await post(all.slice(0, 10))).body).toEqual({ accepted: 0, duplicates: 10, rejected: [] });

      // the CLI finishes: the flusher moves everything on its own
      holder.kill("SIGTERM");
      await new Promise((r) => holder!.once("exit", r));
      holder = null;
      await until("the inbox to empty", async () => ((await inboxStatus()).pending === 0 ? true : null));
      await until("the flusher to report success", async () => (flusherError() === null ? true : null));
      expect(logged).not.toHaveBeenCalled();
    } finally {
      await stopCollectionFlusher();
      logged.mockRestore();
    }
    expect(await inboxStatus()).toMatchObject({ pending: 0, flushed: all.length });
    const counts = await warehouseCounts(ids);
    expect(counts.size).toBe(ids.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const { closeIdleDuckDbInstances } = await import("@/lib/warehouse/duckdb-instances");
    closeIdleDuckDbInstances(); // as the server does once idle: the CLI's turn

    // the file is free again: an analysis from the command line reads exactly the collected users
    const run = spawnSync(tsx, ["scripts/analyze.ts", EXPERIMENT, "--json"], { env: { ...process.env, DUCKDB_LOCK_WAIT_MS: "" }, encoding: "utf8", timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      snapshot: { status: string };
      users: { variant: string; users: number }[];
      metrics: { key: string; variants: { id: string; n: number; mean: number | null }[] }[];
    };
    expect(doc.snapshot.status).toBe("succeeded");
    expect(Object.fromEntries(doc.users.map((u) => [u.variant, u.users]))).toEqual({ control: PER_VARIANT, banner: PER_VARIANT });
    // the purchases collected after the exposures, per variant (purchases: conversion per exposed user)
    const purchases = doc.metrics.find((m) => m.key === "purchases")!;
    expect(purchases.variants.map((v) => [v.id, v.n, v.mean])).toEqual([
      ["control", PER_VARIANT, BUYERS.control / PER_VARIANT],
      ["banner", PER_VARIANT, BUYERS.banner / PER_VARIANT],
    ]);
  }, 180_000);
});
