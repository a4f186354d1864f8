import path from "node:path";
import { pathToFileURL } from "node:url";
import type { NextConfig } from "next";
import { describe, expect, it } from "vitest";
import { bodyExceeds } from "@/lib/http/body-limit";
import { crossSiteReason } from "@/lib/http/same-origin";
import { hasMalformedPercentEncoding, screenRequest, SERVER_ACTION_BODY_LIMIT_BYTES } from "@/lib/http/screen-request";
import { NO_BODY, refuseUnsafeWrite } from "@/lib/http/write-guard";

const HOST = "127.0.0.1:3000";
const headers = (h: Record<string, string>) => new Headers({ host: HOST, ...h });

/** A body sent in chunks without Content-Length, counting what the reader pulled. */
function chunked(chunks: number, size: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size));
    },
  });
  const req = new Request("http://127.0.0.1:3000/api/x", { method: "POST", body, duplex: "half" } as RequestInit);
  return { req, pulled: () => pulled };
}

describe("crossSiteReason", () => {
  it("lets same-origin browsers and clients without browser headers write", () => {
    expect(crossSiteReason(headers({}))).toBeNull(); // curl, a CLI
    expect(crossSiteReason(headers({ origin: `http://${HOST}`, "sec-fetch-site": "same-origin" }))).toBeNull();
    expect(crossSiteReason(headers({ origin: `http://${HOST}` }))).toBeNull(); // a browser without fetch metadata
    expect(crossSiteReason(headers({ "sec-fetch-site": "none" }))).toBeNull(); // typed by the user
    // behind a reverse proxy: the browser's host arrives as X-Forwarded-Host
    expect(crossSiteReason(new Headers({ host: "app:3000", "x-forwarded-host": "ab.example.com", origin: "https://ab.example.com" }))).toBeNull();
  });

  it("refuses writes from other sites, other origins and pages without an origin", () => {
    expect(crossSiteReason(headers({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }))).toMatch(/another site/);
    expect(crossSiteReason(headers({ origin: "http://other.127.0.0.1:3000", "sec-fetch-site": "same-site" }))).toMatch(/another site/);
    expect(crossSiteReason(headers({ origin: "null", "sec-fetch-site": "cross-site" }))).toMatch(/another site/); // no-cors fetch from file://
    expect(crossSiteReason(headers({ origin: "null" }))).toMatch(/without an origin/);
    expect(crossSiteReason(headers({ origin: "https://evil.example" }))).toMatch(/another origin \(evil\.example\)/);
    expect(crossSiteReason(headers({ origin: "http://127.0.0.1:3001" }))).toMatch(/another origin/); // another port is another origin
    expect(crossSiteReason(headers({ origin: "not a url" }))).toMatch(/not a URL/);
  });
});

describe("bodyExceeds", () => {
  it("decides from Content-Length without reading", async () => {
    const req = (length: string) => new Request("http://x/", { method: "POST", headers: { "content-length": length } });
    expect(await bodyExceeds(req("0"), 1024)).toBe(false);
    expect(await bodyExceeds(req("1024"), 1024)).toBe(false);
    expect(await bodyExceeds(req("1025"), 1024)).toBe(true);
    expect(await bodyExceeds(req(String(10 * 1024 * 1024)), 1024)).toBe(true);
    expect(await bodyExceeds(req("12abc"), 1024)).toBe(true);
  });

  it("reads a chunked body only until it is over the limit", async () => {
    const big = chunked(10_000, 1024); // 10 MB offered
    expect(await bodyExceeds(big.req, 4096)).toBe(true);
    expect(big.pulled()).toBeLessThanOrEqual(8); // stopped after ~5 chunks (the stream and its clone may pull ahead)
    const small = chunked(3, 100);
    expect(await bodyExceeds(small.req, 4096)).toBe(false);
  });

  it("leaves a body within the limit for the route to read", async () => {
    const small = chunked(3, 100);
    expect(await bodyExceeds(small.req, 4096)).toBe(false);
    expect((await small.req.text()).length).toBe(300);
    const json = new Request("http://x/", { method: "POST", body: JSON.stringify({ a: 1 }) }); // no Content-Length header
    expect(await bodyExceeds(json, 1024)).toBe(false);
    expect(await json.json()).toEqual({ a: 1 });
  });
});

describe("refuseUnsafeWrite", () => {
  it("403 for a cross-site write, 413 for a body over the limit, null otherwise", async () => {
    const post = (h: Record<string, string>, body?: string) => new Request(`http://${HOST}/api/experiments/x/refresh`, { method: "POST", headers: { host: HOST, ...h }, body });
    const crossSite = await refuseUnsafeWrite(post({ origin: "https://evil.example" }), NO_BODY);
    expect(crossSite?.status).toBe(403);
    expect(((await crossSite!.json()) as { error: string }).error).toMatch(/cross-site write refused/);
    const big = await refuseUnsafeWrite(post({}, "x".repeat(5000)), NO_BODY);
    expect(big?.status).toBe(413);
    expect(await refuseUnsafeWrite(post({}, "{}"), NO_BODY)).toBeNull();
    expect(await refuseUnsafeWrite(post({ origin: `http://${HOST}`, "sec-fetch-site": "same-origin" }), NO_BODY)).toBeNull();
  });
});

describe("screenRequest (the proxy)", () => {
  it("400 for paths whose percent-escapes do not decode", async () => {
    for (const path of ["/api/experiments/%/results", "/experiments/%C0%AE%C0%AE", "/experiments/%FF%FE", "/experiments/a%2"]) {
      expect(hasMalformedPercentEncoding(path), path).toBe(true);
      const r = await screenRequest(new Request(`http://${HOST}/`), path);
      expect(r?.status, path).toBe(400);
    }
    const api = await screenRequest(new Request(`http://${HOST}/`), "/api/experiments/%/results");
    expect(await api!.json()).toEqual({ error: "bad request: the address has a malformed %-escape" });
    for (const path of ["/experiments/checkout-redesign", "/experiments/%25", "/experiments/caf%C3%A9"]) {
      expect(await screenRequest(new Request(`http://${HOST}/`), path), path).toBeNull();
    }
  });

  it("413 for a server action over Next's limit, before Next reads it", async () => {
    const action = (length: number) =>
      new Request(`http://${HOST}/experiments/new`, { method: "POST", headers: { "next-action": "abc", "content-length": String(length) } });
    expect((await screenRequest(action(SERVER_ACTION_BODY_LIMIT_BYTES + 1), "/experiments/new"))?.status).toBe(413);
    expect(await screenRequest(action(SERVER_ACTION_BODY_LIMIT_BYTES), "/experiments/new")).toBeNull();
    // other posts are the route handlers' to check
    expect(await screenRequest(new Request(`http://${HOST}/x`, { method: "POST", headers: { "content-length": "99999999" } }), "/x")).toBeNull();
  });

  it("uses the same limit as next.config.mjs", async () => {
    const file = pathToFileURL(path.join(process.cwd(), "next.config.mjs")).href;
    const { default: nextConfig } = (await import(/* @vite-ignore */ file)) as { default: NextConfig };
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBe(SERVER_ACTION_BODY_LIMIT_BYTES);
  });
});
