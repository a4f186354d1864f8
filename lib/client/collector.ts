// A small client for POST /api/collect, for web pages (and Node): items are queued and sent in
// batches every ~100 ms, a batch that fails on the way (network, 5xx, 429) is sent again with
// exponential back-off, and when the page is hidden or closed whatever is not acknowledged yet
// goes out with navigator.sendBeacon (which outlives the page). Every item carries an event id,
// so sending it twice (a retry, a beacon after a lost answer) is harmless: the server keeps one.
//
// It imports nothing of the app but p-retry; bundle it into your pages as it is.
import pRetry, { AbortError } from "p-retry";

export interface ExposureItem {
  type: "exposure";
  user_id: string;
  experiment_id: string;
  variant: string;
  platform?: string;
  country?: string;
}

export interface EventItem {
  type: "event";
  user_id: string;
  event_name: string;
  value?: number;
}

/** What is sent: the item with its event id and time. */
export type CollectItem = (ExposureItem | EventItem) & { event_id: string; timestamp: string };

export interface CollectorOptions {
  /** e.g. "https://experiments.example.com/api/collect" */
  endpoint: string;
  /** a client key (exr_client_…) that allows this page's origin */
  clientKey: string;
  /** how long items wait to be sent together (default 100 ms) */
  flushIntervalMs?: number;
  /** items per request (at most 1,000, the endpoint's limit) */
  maxBatch?: number;
  /** attempts after the first for a batch that failed on the way (default 8; back-off from 200 ms, doubling, up to 10 s) */
  retries?: number;
  minRetryDelayMs?: number;
  /** items kept while the endpoint cannot be reached; the oldest go beyond it (default 10,000) */
  maxQueue?: number;
  /** the fetch to use (default: the global one) */
  fetch?: typeof fetch;
  /** items the endpoint refused (a bug in the calling code: they are not sent again) */
  onRejected?: (rejected: { item: CollectItem; error: string }[]) => void;
  /** a batch given up after its retries, or refused as a whole (bad key, wrong origin) */
  onError?: (error: Error, items: CollectItem[]) => void;
}

export interface Collector {
  /** queues an item; its event id is returned */
  track(item: ExposureItem | EventItem, at?: Date): string;
  exposure(userId: string, experimentId: string, variant: string, extra?: { platform?: string; country?: string }): string;
  event(userId: string, eventName: string, value?: number): string;
  /** sends what is queued now; resolves when every batch was acknowledged or given up */
  flush(): Promise<void>;
  /** sends what is not acknowledged with sendBeacon (page hide); false when the browser refused some */
  beacon(): boolean;
  /** items queued or on the way */
  readonly pending: number;
  /** stops the timer and the page listeners, after a last flush */
  close(): Promise<void>;
}

/** The endpoint's limit; larger batches are split. */
const ENDPOINT_MAX_BATCH = 1000;
/** sendBeacon's payloads are capped (64 KiB in Chrome, for all beacons in flight). */
const BEACON_MAX_BYTES = 60 * 1024;

class Retryable extends Error {}

function newEventId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  // older browsers: 122 random bits in UUID form
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function createCollector(options: CollectorOptions): Collector {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const interval = options.flushIntervalMs ?? 100;
  const maxBatch = Math.min(options.maxBatch ?? ENDPOINT_MAX_BATCH, ENDPOINT_MAX_BATCH);
  const maxQueue = options.maxQueue ?? 10_000;
  const queue: CollectItem[] = [];
  /** batches sent and not yet acknowledged (a beacon at page hide sends them again) */
  const inFlight = new Set<CollectItem[]>();
  const sending = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const beaconUrl = `${options.endpoint}${options.endpoint.includes("?") ? "&" : "?"}key=${encodeURIComponent(options.clientKey)}`;

  async function sendOnce(batch: CollectItem[]): Promise<void> {
    let res: Response;
    try {
      res = await doFetch(options.endpoint, {
        method: "POST",
        headers: { authorization: `Bearer ${options.clientKey}`, "content-type": "application/json" },
        body: JSON.stringify(batch),
        keepalive: JSON.stringify(batch).length < BEACON_MAX_BYTES,
      });
    } catch (err) {
      throw new Retryable(`the collection endpoint could not be reached: ${(err as Error).message}`);
    }
    if (res.status === 429 || res.status >= 500) throw new Retryable(`the collection endpoint answered ${res.status}`);
    const body = (await res.json().catch(() => ({}))) as { error?: string; rejected?: { index: number; error: string }[] };
    if (!res.ok) throw new AbortError(`the collection endpoint refused the batch (${res.status}): ${body.error ?? "no reason given"}`);
    if (body.rejected?.length) options.onRejected?.(body.rejected.map((r) => ({ item: batch[r.index]!, error: r.error })));
  }

  function send(batch: CollectItem[]): Promise<void> {
    inFlight.add(batch);
    const p = pRetry(() => sendOnce(batch), {
      retries: options.retries ?? 8,
      minTimeout: options.minRetryDelayMs ?? 200,
      maxTimeout: 10_000,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof Retryable,
    })
      .catch((err: unknown) => options.onError?.(err instanceof Error ? err : new Error(String(err)), batch))
      .finally(() => {
        inFlight.delete(batch);
        sending.delete(p);
      });
    sending.add(p);
    return p;
  }

  function drain(): Promise<void>[] {
    const out: Promise<void>[] = [];
    while (queue.length > 0) out.push(send(queue.splice(0, maxBatch)));
    return out;
  }

  function schedule(): void {
    if (timer !== null || closed) return;
    timer = setTimeout(() => {
      timer = null;
      drain();
    }, interval);
  }

  function track(item: ExposureItem | EventItem, at = new Date()): string {
    const full = { ...item, event_id: newEventId(), timestamp: at.toISOString() } as CollectItem;
    queue.push(full);
    if (queue.length > maxQueue) queue.splice(0, queue.length - maxQueue);
    if (queue.length >= maxBatch) drain();
    else schedule();
    return full.event_id;
  }

  function beacon(): boolean {
    const nav = (globalThis as { navigator?: Navigator }).navigator;
    if (!nav?.sendBeacon) return false;
    const unsent = [...[...inFlight].flat(), ...queue];
    let ok = true;
    let chunk: CollectItem[] = [];
    const post = () => {
      if (chunk.length === 0) return;
      // text/plain keeps the beacon a simple request (no preflight); the endpoint reads JSON anyway
      if (nav.sendBeacon(beaconUrl, new Blob([JSON.stringify(chunk)], { type: "text/plain;charset=UTF-8" }))) {
        // handed to the browser: no longer ours to send (batches in flight stay; a second copy is harmless)
        const sent = new Set(chunk);
        for (let i = queue.length - 1; i >= 0; i--) if (sent.has(queue[i]!)) queue.splice(i, 1);
      } else ok = false;
      chunk = [];
    };
    let size = 2;
    for (const item of unsent) {
      const bytes = JSON.stringify(item).length + 1;
      if (chunk.length >= maxBatch || size + bytes > BEACON_MAX_BYTES) {
        post();
        size = 2;
      }
      chunk.push(item);
      size += bytes;
    }
    post();
    return ok;
  }

  const doc = (globalThis as { document?: Document }).document;
  const win = (globalThis as { window?: Window }).window;
  const onHidden = () => {
    if (doc?.visibilityState === "hidden") beacon();
  };
  const onPageHide = () => beacon();
  doc?.addEventListener("visibilitychange", onHidden);
  win?.addEventListener("pagehide", onPageHide);

  return {
    track,
    exposure: (user_id, experiment_id, variant, extra = {}) => track({ type: "exposure", user_id, experiment_id, variant, ...extra }),
    event: (user_id, event_name, value) => track(value === undefined ? { type: "event", user_id, event_name } : { type: "event", user_id, event_name, value }),
    async flush() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      drain();
      while (sending.size > 0) await Promise.all([...sending]);
    },
    beacon,
    get pending() {
      return queue.length + [...inFlight].reduce((a, b) => a + b.length, 0);
    },
    async close() {
      closed = true;
      doc?.removeEventListener("visibilitychange", onHidden);
      win?.removeEventListener("pagehide", onPageHide);
      await this.flush();
    },
  };
}
