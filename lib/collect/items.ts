// What POST /api/collect takes: batches of exposures and events, each item checked on its own (a
// bad item is reported by its index and the rest are kept), and what each becomes in the
// warehouse: a row of `exposures` or `events`, with the item's event id.
import { z } from "zod";

/** Items per request; a client with more sends several requests. */
export const MAX_BATCH_ITEMS = 1000;
/** Ids (users, events, experiments) are text up to this long: UUIDs, account ids, … (issue 13). */
export const MAX_ID_LENGTH = 128;
/** A timestamp may be this far ahead of the server's clock (devices' clocks drift). */
export const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;
const EARLIEST = Date.parse("2000-01-01T00:00:00Z");

const id = (what: string, max = MAX_ID_LENGTH) =>
  z.union([z.string(), z.number().int().safe()], { error: `expected the ${what} as text` })
    .transform((v) => String(v))
    .pipe(
      z
        .string()
        .min(1, `the ${what} is empty`)
        .max(max, `the ${what} is at most ${max} characters`)
        // control characters would break CSV exports and logs; ids never need them
        .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `the ${what} contains control characters`),
    );

const label = (what: string, max: number) => id(what, max).optional().nullable();

/** An instant: ISO 8601 text with a time zone (or Z), or milliseconds since 1970 as a number. */
const timestamp = z
  .union([z.string(), z.number()], { error: "expected the timestamp as ISO 8601 text or milliseconds since 1970" })
  .transform((v, ctx) => {
    if (typeof v === "string" && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(v.trim())) {
      ctx.addIssue({ code: "custom", message: "the timestamp must be ISO 8601 with a time zone, e.g. 2026-11-30T14:05:00Z" });
      return z.NEVER;
    }
    const ms = typeof v === "number" ? v : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: "the timestamp is not a valid date and time" });
      return z.NEVER;
    }
    return ms;
  })
  .refine((ms) => ms >= EARLIEST, "the timestamp is before 2000")
  .refine((ms) => ms <= Date.now() + MAX_CLOCK_SKEW_MS, "the timestamp is more than a day in the future");

const exposure = z.strictObject(
  {
    event_id: id("event_id"),
    type: z.literal("exposure"),
    user_id: id("user_id"),
    experiment_id: id("experiment_id"),
    variant: id("variant", 64),
    timestamp,
    platform: label("platform", 64),
    country: label("country", 64),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown field ${issue.keys.join(", ")}` : "expected an object") },
);

const event = z.strictObject(
  {
    event_id: id("event_id"),
    type: z.literal("event"),
    user_id: id("user_id"),
    event_name: id("event_name"),
    timestamp,
    value: z.number({ error: "expected the value as a number" }).finite("the value must be a finite number").optional().nullable(),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown field ${issue.keys.join(", ")}` : "expected an object") },
);

/** An item's row in the warehouse, as JSON-safe values (timestamps as UTC text). */
export type ExposureRow = {
  event_id: string;
  user_id: string;
  experiment_id: string;
  variant: string;
  exposed_at: string;
  event_date: string;
  platform: string | null;
  country: string | null;
};
export type EventRow = {
  event_id: string;
  user_id: string;
  event_name: string;
  event_time: string;
  event_date: string;
  value: number | null;
};

export type CollectedRow = { kind: "exposure"; row: ExposureRow } | { kind: "event"; row: EventRow };

/** "2026-11-30 14:05:00.123" (UTC): what DuckDB's TIMESTAMP and BigQuery's TIMESTAMP both read. */
export function utcText(ms: number): { timestamp: string; date: string } {
  const iso = new Date(ms).toISOString();
  return { timestamp: `${iso.slice(0, 10)} ${iso.slice(11, 23)}`, date: iso.slice(0, 10) };
}

function errorOf(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const field = issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
  return `${field}${issue.message}`;
}

/** One item, checked: its warehouse row, or why it was refused. */
export function parseItem(item: unknown): { ok: true; value: CollectedRow } | { ok: false; error: string } {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return { ok: false, error: "expected an object" };
  const type = (item as { type?: unknown }).type;
  if (type === "exposure") {
    const r = exposure.safeParse(item);
    if (!r.success) return { ok: false, error: errorOf(r.error) };
    const t = utcText(r.data.timestamp);
    return {
      ok: true,
      value: {
        kind: "exposure",
        row: {
          event_id: r.data.event_id,
          user_id: r.data.user_id,
          experiment_id: r.data.experiment_id,
          variant: r.data.variant,
          exposed_at: t.timestamp,
          event_date: t.date,
          platform: r.data.platform ?? null,
          country: r.data.country ?? null,
        },
      },
    };
  }
  if (type === "event") {
    const r = event.safeParse(item);
    if (!r.success) return { ok: false, error: errorOf(r.error) };
    const t = utcText(r.data.timestamp);
    return {
      ok: true,
      value: {
        kind: "event",
        row: { event_id: r.data.event_id, user_id: r.data.user_id, event_name: r.data.event_name, event_time: t.timestamp, event_date: t.date, value: r.data.value ?? null },
      },
    };
  }
  return { ok: false, error: `type: expected "exposure" or "event"${type === undefined ? "" : ` (got ${JSON.stringify(type).slice(0, 40)})`}` };
}

export interface ParsedBatch {
  /** valid items, first occurrence of each event id */
  items: CollectedRow[];
  /** valid items whose event id came earlier in the same batch */
  repeated: number;
  rejected: { index: number; error: string }[];
}

/** The items of a request body: a JSON array, or an object with an `items` array. */
export function batchItems(body: unknown): { ok: true; items: unknown[] } | { ok: false; error: string } {
  const items = Array.isArray(body) ? body : typeof body === "object" && body !== null && Array.isArray((body as { items?: unknown }).items) ? (body as { items: unknown[] }).items : null;
  if (items === null) return { ok: false, error: "expected a JSON array of items (or { \"items\": [...] })" };
  if (items.length > MAX_BATCH_ITEMS) return { ok: false, error: `at most ${MAX_BATCH_ITEMS} items per request (got ${items.length}); send the rest in another request` };
  return { ok: true, items };
}

export function parseBatch(items: readonly unknown[]): ParsedBatch {
  const seen = new Set<string>();
  const out: ParsedBatch = { items: [], repeated: 0, rejected: [] };
  items.forEach((item, index) => {
    const r = parseItem(item);
    if (!r.ok) return void out.rejected.push({ index, error: r.error });
    if (seen.has(r.value.row.event_id)) return void out.repeated++;
    seen.add(r.value.row.event_id);
    out.items.push(r.value);
  });
  return out;
}
