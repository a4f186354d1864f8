// The collection inbox in the app database (DESIGN §6): POST /api/collect stores valid items here
// in one statement and answers once it committed, so an acknowledged item is durable; the event
// id is the key, so an item sent again (a retry, a second beacon) is a no-op. The flusher
// (flusher.ts) moves items from here to the warehouse in batches.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { isProcessAlive } from "@/lib/process-alive";
import type { CollectedRow } from "./items";

/** Rows in one statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters (3 per row). */
const MAX_ROWS_PER_STATEMENT = 5000;

/** One statement on both databases: ON CONFLICT … DO NOTHING skips known ids, RETURNING names the rows that went in. */
async function insertRows(items: readonly CollectedRow[]): Promise<Set<string>> {
  const values = Prisma.join(items.map((i) => Prisma.sql`(${i.row.event_id}, ${i.kind}, ${JSON.stringify(i.row)})`));
  const inserted = await prisma.$queryRaw<{ eventId: string }[]>`INSERT INTO "CollectedItem" ("eventId", "kind", "body") VALUES ${values} ON CONFLICT ("eventId") DO NOTHING RETURNING "eventId"`;
  return new Set(inserted.map((r) => r.eventId));
}

interface Waiting {
  items: readonly CollectedRow[];
  resolve: (accepted: number) => void;
  reject: (err: unknown) => void;
}

// Group commit: each commit waits for the disk (fsync), about 10 ms here, which would cap a
// busy endpoint at ~100 requests a second. Requests that arrive while a write is under way are
// written together by the next statement; each still answers only after the commit holding its
// items, so an acknowledged item is as durable as before.
const writesSlot = globalThis as typeof globalThis & { __collectWrites?: { queue: Waiting[]; writing: boolean } };
const writes = (writesSlot.__collectWrites ??= { queue: [], writing: false });

async function writeQueued(): Promise<void> {
  writes.writing = true;
  try {
    while (writes.queue.length > 0) {
      const group: Waiting[] = [];
      let rows = 0;
      while (writes.queue.length > 0 && (group.length === 0 || rows + writes.queue[0]!.items.length <= MAX_ROWS_PER_STATEMENT)) {
        const w = writes.queue.shift()!;
        group.push(w);
        rows += w.items.length;
      }
      try {
        const inserted = await insertRows(group.flatMap((w) => w.items));
        // an id sent by two requests of one group is new for the first of them only
        for (const w of group) w.resolve(w.items.reduce((n, i) => n + (inserted.delete(i.row.event_id) ? 1 : 0), 0));
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
  } finally {
    writes.writing = false;
  }
}

/** Stores the items (durable when this resolves); the number that were new (the rest were already there). */
export function storeItems(items: readonly CollectedRow[]): Promise<number> {
  if (items.length === 0) return Promise.resolve(0);
  if (items.length > MAX_ROWS_PER_STATEMENT) throw new RangeError(`at most ${MAX_ROWS_PER_STATEMENT} items at once`);
  return new Promise<number>((resolve, reject) => {
    writes.queue.push({ items, resolve, reject });
    if (!writes.writing) void writeQueued();
  });
}

export interface InboxItem {
  eventId: string;
  kind: "exposure" | "event";
  row: CollectedRow["row"];
}

export interface ClaimedBatch {
  id: string;
  items: InboxItem[];
}

function toItem(r: { eventId: string; kind: string; body: string }): InboxItem {
  return { eventId: r.eventId, kind: r.kind === "event" ? "event" : "exposure", row: JSON.parse(r.body) as CollectedRow["row"] };
}

async function itemsOf(batchId: string): Promise<InboxItem[]> {
  return (await prisma.collectedItem.findMany({ where: { batchId }, select: { eventId: true, kind: true, body: true } })).map(toItem);
}

/** Batches this process claims and has not finished: another claimant must not take them. */
const slot = globalThis as typeof globalThis & { __collectBatchesInHand?: Set<string> };
const inHand = (slot.__collectBatchesInHand ??= new Set<string>());

/** A batch whose claimant is gone: same host and its pid is not running (or is us, without it in hand), or silent for `staleMs`. */
function abandoned(b: { id: string; ownerHost: string; ownerPid: number; claimedAt: Date }, staleMs: number, now: number): boolean {
  if (b.ownerHost === hostname()) {
    if (b.ownerPid === process.pid) return !inHand.has(b.id);
    return !isProcessAlive(b.ownerPid);
  }
  return now - b.claimedAt.getTime() > staleMs;
}

/**
 * The next batch to write: first one a stopped process claimed and did not finish (its items
 * keep their batch id, so the warehouse recognises a batch it already holds), else up to `max`
 * new items under a new batch id. Null when there is nothing to write.
 */
export async function claimBatch(warehouse: string, max: number, staleMs = 10 * 60_000): Promise<ClaimedBatch | null> {
  const now = Date.now();
  for (const b of await prisma.collectBatch.findMany({ where: { flushedAt: null }, orderBy: { claimedAt: "asc" } })) {
    if (!abandoned(b, staleMs, now)) continue;
    const taken = await prisma.collectBatch.updateMany({
      where: { id: b.id, flushedAt: null, ownerHost: b.ownerHost, ownerPid: b.ownerPid },
      data: { ownerHost: hostname(), ownerPid: process.pid, claimedAt: new Date() },
    });
    if (taken.count === 1) {
      inHand.add(b.id);
      return { id: b.id, items: await itemsOf(b.id) };
    }
  }
  if (!(await prisma.collectedItem.findFirst({ where: { batchId: null }, select: { eventId: true } }))) return null;
  const id = randomUUID();
  inHand.add(id);
  await prisma.collectBatch.create({ data: { id, warehouse, items: 0, ownerHost: hostname(), ownerPid: process.pid } });
  const claimed = await prisma.$executeRaw`UPDATE "CollectedItem" SET "batchId" = ${id}
    WHERE "batchId" IS NULL AND "eventId" IN (SELECT "eventId" FROM "CollectedItem" WHERE "batchId" IS NULL LIMIT ${max})`;
  if (claimed === 0) {
    await prisma.collectBatch.delete({ where: { id } });
    inHand.delete(id);
    return null;
  }
  await prisma.collectBatch.update({ where: { id }, data: { items: claimed } });
  return { id, items: await itemsOf(id) };
}

/** The batch is in the warehouse. Its items stay (for de-duplication) until pruned. */
export async function markFlushed(batchId: string): Promise<void> {
  await prisma.collectBatch.update({ where: { id: batchId }, data: { flushedAt: new Date() } });
  inHand.delete(batchId);
}

/** Gives a batch back after a failed write (another attempt takes it again). */
export function releaseBatch(batchId: string): void {
  inHand.delete(batchId);
}

/** Forgets items flushed more than `keepMs` ago: an item sent again after that is stored again. */
export async function pruneFlushed(keepMs: number, now = Date.now()): Promise<number> {
  const old = await prisma.collectBatch.findMany({ where: { flushedAt: { lt: new Date(now - keepMs) } }, select: { id: true }, take: 500 });
  if (old.length === 0) return 0;
  const ids = old.map((b) => b.id);
  const removed = await prisma.collectedItem.deleteMany({ where: { batchId: { in: ids } } });
  await prisma.collectBatch.deleteMany({ where: { id: { in: ids } } });
  return removed.count;
}

export interface InboxStatus {
  /** items acknowledged and not yet in the warehouse */
  pending: number;
  /** items in the warehouse still kept for de-duplication */
  flushed: number;
  lastFlushAt: string | null;
}

export async function inboxStatus(): Promise<InboxStatus> {
  const [unbatched, open, flushed, last] = await Promise.all([
    prisma.collectedItem.count({ where: { batchId: null } }),
    prisma.collectBatch.aggregate({ where: { flushedAt: null }, _sum: { items: true } }),
    prisma.collectBatch.aggregate({ where: { flushedAt: { not: null } }, _sum: { items: true } }),
    prisma.collectBatch.findFirst({ where: { flushedAt: { not: null } }, orderBy: { flushedAt: "desc" }, select: { flushedAt: true } }),
  ]);
  return {
    pending: unbatched + (open._sum.items ?? 0),
    flushed: flushed._sum.items ?? 0,
    lastFlushAt: last?.flushedAt?.toISOString() ?? null,
  };
}
