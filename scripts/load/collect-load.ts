// Drives POST /api/collect the way busy clients do: several concurrent clients, each sending
// batches in turn and sending a batch again until it is answered (network errors, 5xx, 429 —
// e.g. while the server is down). A share of the items are duplicates of items sent before and a
// share are malformed. The outcome says which event ids were acknowledged (and must be in the
// warehouse exactly once) and which were rejected (and must not be there at all).
import { randomUUID } from "node:crypto";

export interface LoadOptions {
  /** where to post (read at each attempt: a restarted server may have a new address) */
  endpoint: () => string;
  clientKey: string;
  clients: number;
  /** items in all, duplicates and malformed ones included */
  items: number;
  batchSize: number;
  duplicateShare: number;
  malformedShare: number;
  /** total items per second across the clients (open loop); absent: each client sends as fast as it is answered */
  itemsPerSecond?: number;
  /** told after each acknowledged batch */
  onProgress?: (acknowledged: number) => void;
  /** gives up a batch after this long without an answer (default: never) */
  giveUpMs?: number;
}

export interface LoadResult {
  /** event ids of valid items the server acknowledged (accepted or duplicate) */
  acknowledged: Set<string>;
  /** event ids of the malformed items (the server must have rejected each one) */
  malformed: Set<string>;
  /** malformed items the server did not reject, and valid ones it did (both must be empty) */
  misjudged: string[];
  itemsSent: number;
  requests: number;
  /** attempts that got no answer or a 5xx/429 and were made again */
  retries: number;
  /** per answered request: milliseconds from sending to the answer */
  latenciesMs: number[];
  durationMs: number;
}

type Item = Record<string, unknown> & { event_id: string };

function validItem(i: number, client: number): Item {
  const user = `user-${client}-${i % 997}`;
  const at = new Date(Date.now() - (i % 600) * 1000).toISOString();
  return i % 3 === 0
    ? { event_id: randomUUID(), type: "event", user_id: user, event_name: "purchase", timestamp: at, value: (i % 50) + 0.5 }
    : { event_id: randomUUID(), type: "exposure", user_id: user, experiment_id: "load-test", variant: i % 2 ? "a" : "b", timestamp: at, platform: "web", country: "DE" };
}

/** Malformed in ways clients get wrong: a bad time, a missing id, an unknown type, a wrong field. */
function malformedItem(i: number): Item {
  const base = { event_id: randomUUID(), type: "exposure", user_id: "u", experiment_id: "load-test", variant: "a", timestamp: new Date().toISOString() };
  switch (i % 4) {
    case 0:
      return { ...base, timestamp: "not a time" };
    case 1:
      return { ...base, user_id: "" };
    case 2:
      return { ...base, type: "click" };
    default:
      return { ...base, type: "event", event_name: "purchase", value: "12" } as Item;
  }
}

/** One client's items in sending order: valid ones, some of them again later, and malformed ones. */
function plan(count: number, client: number, duplicateShare: number, malformedShare: number): { items: Item[]; malformed: Set<string> } {
  const items: Item[] = [];
  const malformed = new Set<string>();
  const valid: Item[] = [];
  for (let i = 0; i < count; i++) {
    const r = ((i * 7919 + client * 104729) % 1000) / 1000;
    if (r < malformedShare) {
      const m = malformedItem(i);
      malformed.add(m.event_id);
      items.push(m);
    } else if (r < malformedShare + duplicateShare && valid.length > 0) {
      items.push(valid[(i * 31) % valid.length]!); // the same item again (a retry, a second beacon)
    } else {
      const v = validItem(i, client);
      valid.push(v);
      items.push(v);
    }
  }
  return { items, malformed };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function driveCollection(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = {
    acknowledged: new Set(),
    malformed: new Set(),
    misjudged: [],
    itemsSent: 0,
    requests: 0,
    retries: 0,
    latenciesMs: [],
    durationMs: 0,
  };
  const perClient = Math.ceil(options.items / options.clients);
  const started = performance.now();
  // open loop: batch k of client c is due at its slot, whatever happened to the ones before
  const batchesPerSecond = options.itemsPerSecond ? options.itemsPerSecond / options.batchSize : null;

  async function client(c: number): Promise<void> {
    const { items, malformed } = plan(Math.min(perClient, options.items - c * perClient), c, options.duplicateShare, options.malformedShare);
    for (const id of malformed) result.malformed.add(id);
    for (let start = 0, k = 0; start < items.length; start += options.batchSize, k++) {
      const batch = items.slice(start, start + options.batchSize);
      if (batchesPerSecond) {
        const due = ((k * options.clients + c) / batchesPerSecond) * 1000;
        const wait = due - (performance.now() - started);
        if (wait > 0) await sleep(wait);
      }
      const body = JSON.stringify(batch);
      const batchStarted = performance.now();
      for (let attempt = 0; ; attempt++) {
        if (options.giveUpMs && performance.now() - batchStarted > options.giveUpMs) throw new Error(`a batch got no answer for ${options.giveUpMs} ms`);
        const t = performance.now();
        let res: Response | null = null;
        try {
          res = await fetch(options.endpoint(), {
            method: "POST",
            headers: { authorization: `Bearer ${options.clientKey}`, "content-type": "application/json" },
            body,
            signal: AbortSignal.timeout(30_000),
          });
        } catch {
          res = null;
        }
        result.requests++;
        if (res && res.status === 200) {
          const answer = (await res.json()) as { accepted: number; duplicates: number; rejected: { index: number }[] };
          result.latenciesMs.push(performance.now() - t);
          const rejected = new Set(answer.rejected.map((r) => r.index));
          batch.forEach((item, i) => {
            const bad = malformed.has(item.event_id);
            if (bad !== rejected.has(i)) result.misjudged.push(`${item.event_id} (${bad ? "malformed, not rejected" : "valid, rejected"})`);
            if (!bad && !rejected.has(i)) result.acknowledged.add(item.event_id);
          });
          result.itemsSent += batch.length;
          options.onProgress?.(result.acknowledged.size);
          break;
        }
        if (res && res.status !== 429 && res.status < 500) throw new Error(`the endpoint refused a batch: ${res.status} ${await res.text()}`);
        await res?.body?.cancel().catch(() => undefined);
        result.retries++;
        await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2));
      }
    }
  }

  await Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
  result.durationMs = performance.now() - started;
  return result;
}

/** The q-quantile (0–1) of a list of numbers (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
