import http from "node:http";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "@playwright/test";
import { e2eEnv } from "../../playwright.config";
import { appDb } from "./support/app-db";
import { bearer, runOutcome } from "./support/auth";

// Issue 9 against the real server (next build + next start): malformed addresses, TRACE,
// cross-site writes, oversized bodies, and what failure banners show.

const db = appDb(e2eEnv.DATABASE_URL);
const PROBE = "hardening-probe";

async function snapshotCount(experimentId: string): Promise<number> {
  const r = await db.execute({ sql: 'SELECT COUNT(*) AS n FROM "Snapshot" WHERE "experimentId" = ?', args: [experimentId] });
  return Number(r.rows[0]!.n);
}

/** A raw HTTP request: the path goes out byte for byte, the body optionally in chunks without Content-Length. */
function raw(
  baseURL: string,
  method: string,
  pathname: string,
  options: { headers?: Record<string, string>; chunks?: Buffer[] } = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path: pathname, headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

test("malformed percent-encoding answers 400 on the API, the pages and refresh; TRACE answers 405", async ({ baseURL }) => {
  const before = await snapshotCount("checkout-redesign");
  for (const bad of ["%", "%C0%AE%C0%AE", "%FF%FE"]) {
    for (const [method, p] of [
      ["GET", `/api/experiments/${bad}/results`],
      ["GET", `/experiments/${bad}`],
      ["GET", `/experiments/checkout-redesign/snapshots/${bad}`],
      ["POST", `/api/experiments/${bad}/refresh`],
    ] as const) {
      const r = await raw(baseURL!, method, p);
      expect(r.status, `${method} ${p}`).toBe(400);
      expect(r.body, `${method} ${p}`).toContain("malformed %-escape");
    }
  }
  expect(JSON.parse((await raw(baseURL!, "GET", "/api/experiments/%FF/results")).body)).toEqual({ error: "bad request: the address has a malformed %-escape" });
  // well-formed escapes still route
  expect((await raw(baseURL!, "GET", "/api/experiments/checkout%2Dredesign/results")).status).toBe(200);
  expect((await raw(baseURL!, "GET", "/experiments/no%20such")).status).toBe(404);
  for (const p of ["/experiments", "/api/experiments", "/api/experiments/checkout-redesign/refresh"]) {
    const r = await raw(baseURL!, "TRACE", p);
    expect(r.status, p).toBe(405);
  }
  expect(await snapshotCount("checkout-redesign")).toBe(before);
});

test("refresh refuses cross-site writes with 403 and starts nothing; programs without browser headers may refresh", async ({ page, request, baseURL }) => {
  const id = "button-color-aa";
  const url = `${baseURL}/api/experiments/${id}/refresh`;
  const before = await snapshotCount(id);

  const attempts: Record<string, string>[] = [
    { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    { origin: "https://evil.example" },
    { origin: "null" },
  ];
  for (const headers of attempts) {
    const r = await request.post(url, { headers });
    expect(r.status(), JSON.stringify(headers)).toBe(403);
    expect(((await r.json()) as { error: string }).error).toMatch(/^cross-site write refused/);
  }

  // a real browser on another site: a form post, and a no-cors fetch from a file: page
  await page.route("http://evil.test/**", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<form id="f" method="post" action="${url}"><input name="x" value="1"></form><script>document.getElementById("f").submit()</script>`,
    }),
  );
  const [formPost] = await Promise.all([page.waitForResponse((r) => r.url() === url), page.goto("http://evil.test/")]);
  expect(formPost.status()).toBe(403);
  expect(formPost.request().headers()["origin"]).toBe("http://evil.test");

  const dir = mkdtempSync(path.join(tmpdir(), "cross-site-"));
  const file = path.join(dir, "attack.html");
  writeFileSync(file, `<script>fetch(${JSON.stringify(url)}, { method: "POST", mode: "no-cors", body: "x" })</script>`);
  const [noCors] = await Promise.all([page.waitForResponse((r) => r.url() === url), page.goto(pathToFileURL(file).href)]);
  expect(noCors.status()).toBe(403);
  expect(await snapshotCount(id)).toBe(before);

  // a cross-site request is refused even with a valid write key (the check comes first)
  expect((await request.post(url, { headers: { origin: "https://evil.example", ...bearer("write") } })).status()).toBe(403);
  expect(await snapshotCount(id)).toBe(before);

  // curl, a CLI: no Origin, no Sec-Fetch-Site; with a write key
  const ok = await request.post(url, { headers: bearer("write") });
  expect(ok.status()).toBe(202);
  expect((await runOutcome(request, ((await ok.json()) as { runId: number }).runId)).status).toBe("succeeded");
  expect(await snapshotCount(id)).toBe(before + 1);
});

test("a 10 MB POST to refresh answers 413 and runs no analysis", async ({ request, baseURL }) => {
  const id = "button-color-aa";
  const before = await snapshotCount(id);
  const tenMegabytes = Buffer.alloc(10 * 1024 * 1024, 0x61);
  const r = await request.post(`${baseURL}/api/experiments/${id}/refresh`, { data: tenMegabytes, headers: { "content-type": "application/octet-stream" } });
  expect(r.status()).toBe(413);
  expect(((await r.json()) as { error: string }).error).toMatch(/^request body too large/);
  // the same without Content-Length, in chunks
  const chunked = await raw(baseURL!, "POST", `/api/experiments/${id}/refresh`, { chunks: Array.from({ length: 10 }, () => Buffer.alloc(1024 * 1024, 0x62)) });
  expect(chunked.status).toBe(413);
  expect(await snapshotCount(id)).toBe(before);
});

test("a server action over the 1 MiB limit answers 413, not 500", async ({ baseURL }) => {
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName: string }>;
  };
  const actionId = Object.entries(manifest.node).find(([, a]) => a.exportedName === "saveExperimentAction")?.[0];
  expect(actionId).toBeTruthy();
  const headers = { "next-action": actionId!, "content-type": "text/plain;charset=UTF-8", origin: baseURL! };
  const body = JSON.stringify(["create", null, { hypothesis: "x".repeat(2 * 1024 * 1024) }]);
  const big = await raw(baseURL!, "POST", "/experiments/new", { headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, chunks: [Buffer.from(body)] });
  expect(big.status).toBe(413);
  expect(big.body).toMatch(/request body too large/);
  const chunked = await raw(baseURL!, "POST", "/experiments/new", { headers, chunks: [Buffer.from(body.slice(0, 1_500_000)), Buffer.from(body.slice(1_500_000))] });
  expect(chunked.status).toBe(413);
  // under the limit the action runs: for a visitor, it answers that saving needs a signed-in editor
  const small = JSON.stringify(["create", null, { id: "Bad Id" }]);
  const ok = await raw(baseURL!, "POST", "/experiments/new", { headers: { ...headers, "content-length": String(Buffer.byteLength(small)) }, chunks: [Buffer.from(small)] });
  expect(ok.status).toBe(200);
  expect(ok.body).toContain("Not saved: sign in to change experiments or run analyses.");
});

test("an experiment written with a 9999-12-31 end fails fast; banners show warehouse errors without paths or pids", async ({ page, request, baseURL }) => {
  // written around the editor's checks, as the probe of issue 9 did
  const now = new Date().toISOString();
  await db.batch(
    [
      { sql: 'DELETE FROM "Experiment" WHERE id = ?', args: [PROBE] },
      {
        sql: 'INSERT INTO "Experiment" (id, name, "startDate", "endDate", "controlVariant", segments, "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)',
        args: [PROBE, "Hardening probe", "2026-10-01", "9999-12-31", "control", "[]", now],
      },
      { sql: 'INSERT INTO "Variant" ("experimentId", key, name, position) VALUES (?, ?, ?, ?), (?, ?, ?, ?)', args: [PROBE, "control", "Control", 0, PROBE, "treatment", "Treatment", 1] },
      { sql: 'INSERT INTO "ExperimentMetric" ("experimentId", "metricKey", role) VALUES (?, ?, ?)', args: [PROBE, "purchases", "primary"] },
    ],
  );
  const r = await request.post(`${baseURL}/api/experiments/${PROBE}/refresh`, { headers: bearer("write") });
  expect(r.status()).toBe(202);
  const started = (await r.json()) as { snapshotId: number; runId: number };
  const body = { ...(await runOutcome(request, started.runId)), snapshotId: started.snapshotId };
  expect(body.status).toBe("failed");
  expect(body.error).toBe(`experiment ${PROBE} (2026-10-01 → 9999-12-31) cannot be analysed: The end date must be between 2000-01-01 and 2100-12-31`);
  const stored = await db.execute({ sql: 'SELECT length(sql) AS s, length(error) AS e FROM "Snapshot" WHERE id = ?', args: [body.snapshotId] });
  expect(Number(stored.rows[0]!.s)).toBe(0);
  expect(Number(stored.rows[0]!.e)).toBeLessThan(200);

  // a snapshot stored by the old code kept the warehouse's raw text: it is scrubbed where it is shown
  const rawError =
    'IO Error: Could not set lock on file "/srv/app/data/warehouse.duckdb": Conflicting lock is held in /usr/bin/node (PID 27005) by user root. See also https://duckdb.org/docs/stable/connect/concurrency';
  const shown = 'IO Error: Could not set lock on file "warehouse.duckdb": Conflicting lock is held in node. See also https://duckdb.org/docs/stable/connect/concurrency';
  await db.execute({ sql: 'UPDATE "Snapshot" SET error = ? WHERE id = ?', args: [rawError, body.snapshotId] });

  await page.goto(`/experiments/${PROBE}`);
  const banner = page.getByTestId("failure-banner");
  await expect(banner.locator("pre")).toHaveText(shown);
  const pageText = await page.locator("body").innerText();
  expect(pageText).not.toMatch(/\/srv\/|\/usr\/bin|PID|27005|by user/);
  await expect(page.locator(".history-error")).toHaveText(shown);
  await banner.getByRole("link", { name: "See its SQL" }).click();
  expect(body.snapshotNumber).toBe(1); // numbered per experiment
  await expect(page).toHaveURL(new RegExp(`/experiments/${PROBE}/snapshots/${body.snapshotNumber}$`));
  await expect(page.locator(".banner.error pre")).toHaveText(shown);
  expect(await page.locator("body").innerText()).not.toMatch(/\/srv\/|PID|27005/);

  const results = (await (await request.get(`${baseURL}/api/experiments/${PROBE}/results`)).json()) as { lastFailure: { error: string } };
  expect(results.lastFailure.error).toBe(shown);
});
