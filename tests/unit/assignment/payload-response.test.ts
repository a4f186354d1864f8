import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildFeaturesPayload } from "@/lib/assignment/payload";
import { etagMatches, featuresResponse, serializePayload } from "@/lib/assignment/payload-response";

const payload = buildFeaturesPayload([{ key: "exp", name: "Exp", status: "running", variations: [{ key: "a" }, { key: "b" }] }]);

describe("the payload's HTTP answer", () => {
  it("hashes exactly the bytes it sends", () => {
    const { body, etag } = serializePayload(payload);
    expect(JSON.parse(body)).toEqual(payload);
    expect(etag).toBe(`"${createHash("sha256").update(body).digest("base64url")}"`);
  });

  it("answers 200 with the body, ETag and cache headers, then 304 to a matching If-None-Match", () => {
    const first = featuresResponse(payload);
    expect(first.status).toBe(200);
    expect(first.body).toBe(serializePayload(payload).body);
    expect(first.headers).toEqual({
      ETag: serializePayload(payload).etag,
      "Cache-Control": "public, max-age=30, stale-while-revalidate=3600",
      "Content-Type": "application/json; charset=utf-8",
    });
    const again = featuresResponse(payload, first.headers.ETag);
    expect(again).toEqual({ status: 304, headers: { ETag: first.headers.ETag, "Cache-Control": first.headers["Cache-Control"] } });
    expect(featuresResponse(payload, '"stale"').status).toBe(200);
  });

  it("compares If-None-Match as RFC 9110 says (weak tags, lists, *)", () => {
    const etag = '"abc"';
    expect(etagMatches('"abc"', etag)).toBe(true);
    expect(etagMatches('W/"abc"', etag)).toBe(true);
    expect(etagMatches('"x", W/"abc" ,"y"', etag)).toBe(true);
    expect(etagMatches("*", etag)).toBe(true);
    expect(etagMatches('"abcd"', etag)).toBe(false);
    expect(etagMatches("abc", etag)).toBe(false);
    expect(etagMatches("", etag)).toBe(false);
    expect(etagMatches(null, etag)).toBe(false);
  });
});
