import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { expect, test, type Page } from "@playwright/test";
import { chromiumArgs, chromiumPath, e2eEnv } from "../../playwright.config";
import { appDb } from "./support/app-db";
import { bearer } from "./support/auth";

// The browser client in a real browser, on a shop's page of another origin (https://shop.e2e.test,
// which the e2e client key allows): GrowthBook's SDK loads the payload from this server over CORS,
// its trackingCallback posts the exposure through the collector, events follow, and items still
// queued when the page is hidden go out with navigator.sendBeacon. What arrived is read from the
// server's inbox.

const SHOP = "https://shop.e2e.test";
const root = process.cwd();

// Chromium asks the user before a public site's page reaches a loopback address (Local Network
// Access); here the server under test is on 127.0.0.1, where a real one would be public: granted.
test.use({
  permissions: ["local-network-access"],
  // the permission covers fetch; a beacon sent while the page unloads has no document left to hold it
  launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, "--disable-features=LocalNetworkAccessChecks"] },
});

/** lib/client/*.ts as browser modules (TypeScript's own transpiler; imports given .js names). */
function clientModule(name: string): string {
  const source = readFileSync(path.join(root, "lib", "client", `${name}.ts`), "utf8");
  const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  return out.replace(/from "\.\/(\w+)"/g, 'from "./$1.js"');
}

const VENDOR: Record<string, string> = {
  "p-retry.js": "node_modules/p-retry/index.js",
  "is-network-error.js": "node_modules/is-network-error/index.js",
  "growthbook.js": "node_modules/@growthbook/growthbook/dist/bundles/esm.js",
};

async function openShop(page: Page, baseURL: string, clientKey: string, flushIntervalMs: number): Promise<void> {
  await page.route(`${SHOP}/**`, async (route) => {
    const url = new URL(route.request().url());
    const js = (body: string) => route.fulfill({ status: 200, contentType: "text/javascript", body });
    if (url.pathname.startsWith("/vendor/")) return js(readFileSync(path.join(root, VENDOR[url.pathname.slice("/vendor/".length)]!), "utf8"));
    if (url.pathname.startsWith("/client/")) return js(clientModule(path.basename(url.pathname, ".js")));
    if (url.pathname === "/next") return route.fulfill({ status: 200, contentType: "text/html", body: "<p>another page</p>" });
    return route.fulfill({
      status: 200,
      contentType: "text/html",
      body: `<!doctype html><html><head>
<script type="importmap">{"imports":{"p-retry":"/vendor/p-retry.js","is-network-error":"/vendor/is-network-error.js","@growthbook/growthbook":"/vendor/growthbook.js"}}</script>
<script type="module">
import { GrowthBook } from "@growthbook/growthbook";
import { createCollector } from "/client/collector.js";
import { trackExposures } from "/client/growthbook.js";
const collector = createCollector({ endpoint: ${JSON.stringify(`${baseURL}/api/collect`)}, clientKey: ${JSON.stringify(clientKey)}, flushIntervalMs: ${flushIntervalMs},
  onError: (e) => window.errors.push(e.message), onRejected: (r) => window.errors.push(JSON.stringify(r)) });
window.errors = [];
window.shop = {
  collector,
  async visit(userId) {
    const gb = new GrowthBook({ apiHost: ${JSON.stringify(baseURL)}, clientKey: ${JSON.stringify(clientKey)}, attributes: { id: userId }, trackingCallback: trackExposures(collector) });
    const loaded = await gb.init({ timeout: 5000, streaming: false });
    const result = gb.evalFeature("free-shipping-banner");
    return { loaded: loaded.success, value: result.value, source: result.source, variation: result.experimentResult?.key ?? null };
  },
};
window.ready = true;
</script></head><body><p>shop</p></body></html>`,
    });
  });
  await page.goto(SHOP);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
}

const db = () => appDb(e2eEnv.DATABASE_URL);
async function stored(ids: string[]): Promise<number> {
  const { rows } = await db().execute({ sql: `SELECT count(*) AS n FROM "CollectedItem" WHERE "eventId" IN (${ids.map(() => "?").join(", ")})`, args: ids });
  return Number(rows[0]!.n);
}

const clientKey = () => bearer("client").authorization!.slice("Bearer ".length);

test("on a shop's page, the SDK loads the payload over CORS and its tracking callback posts the exposure; events follow in the same batch", async ({ page, baseURL }) => {
  await openShop(page, baseURL!, clientKey(), 100);
  const visit = await page.evaluate(async () => {
    const w = window as unknown as { shop: { visit(id: string): Promise<Record<string, unknown>>; collector: { event(u: string, n: string, v?: number): string; flush(): Promise<void>; pending: number } } };
    const v = await w.shop.visit("browser-user-1");
    const ids = [w.shop.collector.event("browser-user-1", "add_to_cart"), w.shop.collector.event("browser-user-1", "purchase", 42.5)];
    await new Promise((r) => setTimeout(r, 400)); // the ~100 ms batch goes out by itself
    return { loaded: v.loaded, source: v.source, variation: v.variation as string | null, ids, pending: w.shop.collector.pending };
  });
  expect(visit).toMatchObject({ loaded: true, source: "experiment", pending: 0 });
  expect(["control", "banner"]).toContain(visit.variation);
  expect(await page.evaluate(() => (window as unknown as { errors: string[] }).errors)).toEqual([]);
  expect(await stored(visit.ids as string[])).toBe(2);
  const { rows } = await db().execute({ sql: `SELECT "body" FROM "CollectedItem" WHERE "kind" = 'exposure' AND "body" LIKE ?`, args: ['%"user_id":"browser-user-1"%'] });
  expect(rows.map((r) => JSON.parse(String(r.body)) as Record<string, unknown>)).toEqual([expect.objectContaining({ experiment_id: "free-shipping-banner", variant: visit.variation, user_id: "browser-user-1" })]);
});

test("items still queued when the page is hidden go out with sendBeacon", async ({ page, baseURL }) => {
  await openShop(page, baseURL!, clientKey(), 60_000); // nothing leaves by the timer
  const ids = await page.evaluate(() => {
    const c = (window as unknown as { shop: { collector: { event(u: string, n: string): string } } }).shop.collector;
    return [c.event("beacon-user", "search"), c.event("beacon-user", "share"), c.event("beacon-user", "feed_view")];
  });
  expect(await stored(ids)).toBe(0);
  await page.goto(`${SHOP}/next`); // leaving the page: pagehide → sendBeacon(…/api/collect?key=…)
  await expect.poll(() => stored(ids), { timeout: 10_000 }).toBe(3);
});
