import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "@/lib/config";

// Per-caller limits on expensive requests (rate-limiter-flexible, in this process's memory: each
// server process counts on its own). Keyed by principalKey (a user, an API key, or a visitor's
// address). Analyses: ANALYSES_PER_HOUR per caller (each one is a warehouse scan; on BigQuery,
// money). The collection endpoint gets its own bucket here.

export type RateBucket = "analyses" | "collection";

function limits(bucket: RateBucket): { points: number; duration: number; what: string } {
  if (bucket === "analyses") return { points: config().ANALYSES_PER_HOUR, duration: 3600, what: "analyses per hour" };
  return { points: config().COLLECT_REQUESTS_PER_MINUTE, duration: 60, what: "collection requests per minute" };
}

const slot = globalThis as typeof globalThis & { __rateLimiters?: Map<string, RateLimiterMemory> };
const limiters = (slot.__rateLimiters ??= new Map<string, RateLimiterMemory>());

function limiter(bucket: RateBucket): RateLimiterMemory {
  const { points, duration } = limits(bucket);
  const id = `${bucket}:${points}:${duration}`; // a changed setting (tests) starts a new count
  let l = limiters.get(id);
  if (!l) {
    l = new RateLimiterMemory({ keyPrefix: bucket, points, duration });
    limiters.set(id, l);
  }
  return l;
}

/** Counts one request of `key`; the 429 to send when it is over the limit, else null. */
export async function consumeRate(bucket: RateBucket, key: string): Promise<Response | null> {
  try {
    await limiter(bucket).consume(key);
    return null;
  } catch (res) {
    if (!(res instanceof RateLimiterRes)) throw res;
    const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    const { points, what } = limits(bucket);
    return Response.json(
      { error: `too many requests: at most ${points} ${what}; try again in ${seconds} s`, retryAfterSeconds: seconds },
      { status: 429, headers: { "retry-after": String(seconds) } },
    );
  }
}

/** The caller's address as the server saw it (the first X-Forwarded-For hop), for visitors' limits. */
export function clientAddress(headers: Headers): string | null {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || null;
}
