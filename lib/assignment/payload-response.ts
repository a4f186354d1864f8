// The HTTP side of the features payload: the exact bytes, a strong ETag over them, the cache
// headers, and the 304 answer to a matching If-None-Match. Pure: the route maps it to a Response.
import { createHash } from "node:crypto";
import type { FeaturesPayload } from "./payload";

/** Clients and CDNs may reuse a payload for this long, then revalidate (a cheap 304 when unchanged). */
export const FEATURES_MAX_AGE_SECONDS = 30;
/** How long a stale payload may still be served while a fresh one is fetched. */
export const FEATURES_STALE_SECONDS = 3600;

export interface SerializedPayload {
  body: string;
  /** strong validator: a quoted SHA-256 of the body (RFC 9110 §8.8.3) */
  etag: string;
}

export function serializePayload(payload: FeaturesPayload): SerializedPayload {
  const body = JSON.stringify(payload);
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url")}"` };
}

/** Whether an If-None-Match header names this ETag (weak comparison, lists and "*": RFC 9110 §13.1.2). */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = opaque(etag);
  return ifNoneMatch.split(",").some((tag) => opaque(tag) === wanted);
}

export interface PayloadResponse {
  status: 200 | 304;
  /** absent for 304 */
  body?: string;
  headers: Record<string, string>;
}

export function featuresResponse(payload: FeaturesPayload, ifNoneMatch?: string | null): PayloadResponse {
  const { body, etag } = serializePayload(payload);
  const headers: Record<string, string> = {
    ETag: etag,
    "Cache-Control": `public, max-age=${FEATURES_MAX_AGE_SECONDS}, stale-while-revalidate=${FEATURES_STALE_SECONDS}`,
  };
  if (etagMatches(ifNoneMatch, etag)) return { status: 304, headers };
  return { status: 200, body, headers: { ...headers, "Content-Type": "application/json; charset=utf-8" } };
}
