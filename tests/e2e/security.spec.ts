import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signIn } from "./support/auth";

// Security headers (a nonce-based CSP that Next and recharts work under), the query-string limit,
// and Next's own origin check on server actions.

test("pages and the API carry the security headers; the CSP nonce is fresh per request and on Next's scripts", async ({ request }) => {
  const first = await request.get("/experiments/checkout-redesign");
  const second = await request.get("/experiments/checkout-redesign");
  for (const res of [first, second, await request.get("/api/experiments")]) {
    const h = res.headers();
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'(;|$)/);
    expect(h["content-security-policy"]).toContain("object-src 'none'");
    expect(h["x-powered-by"]).toBeUndefined();
  }
  const nonce = (csp: string) => /'nonce-([^']+)'/.exec(csp)![1]!;
  const n1 = nonce(first.headers()["content-security-policy"]!);
  expect(n1).not.toBe(nonce(second.headers()["content-security-policy"]!));
  const html = await first.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const s of scripts) expect(s).toContain(`nonce="${n1}"`);
});

test("the dashboard, its charts and the editor run under the CSP without a single violation", async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const violations = () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  await page.goto("/experiments/onboarding-three-arm");
  await expect(page.getByTestId("forest-plot").locator(".recharts-scatter-symbol").first()).toBeVisible();
  await page.getByLabel("Bayesian").check(); // client-side interaction: hydrated, scripts ran
  await expect(page).toHaveURL(/mode=bayesian/);
  expect(await violations()).toEqual([]);
  await signIn(page, "editor", "/experiments/new");
  await expect(page.getByRole("button", { name: "Create experiment" })).toBeVisible();
  expect(await violations()).toEqual([]);
});

test("a query string over 4 KiB answers 414 on pages and the API", async ({ request }) => {
  const long = "x".repeat(5000);
  for (const p of [`/experiments?metrics=${long}`, `/api/experiments/checkout-redesign/results?metrics=${long}`]) {
    const res = await request.get(p);
    expect(res.status(), p).toBe(414);
  }
  expect((await request.get(`/api/experiments/checkout-redesign/results?metrics=${"x".repeat(1000)}`)).status()).toBe(200);
});

test("Next's origin check refuses a server action posted from another origin, even with an editor's session", async ({ page, baseURL }) => {
  await signIn(page, "editor");
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName: string }>;
  };
  const actionId = Object.entries(manifest.node).find(([, a]) => a.exportedName === "saveExperimentAction")![0];
  const id = `cross-origin-${Date.now().toString(36)}`;
  const values = {
    id,
    name: "Cross origin",
    hypothesis: "",
    owner: "",
    status: "draft",
    startDate: "2026-10-01",
    endDate: "2026-10-28",
    windowDays: "",
    exposureSource: "exposures",
    exposureKey: "",
    controlVariant: "control",
    variants: [
      { key: "control", name: "Control", weight: "1" },
      { key: "treatment", name: "Treatment", weight: "1" },
    ],
    metrics: [{ key: "purchases", role: "primary" }],
    segments: [],
    plannedMde: "5",
  };
  const post = (origin: string) =>
    page.request.post("/experiments/new", {
      headers: { "next-action": actionId, "content-type": "text/plain;charset=UTF-8", origin, accept: "text/x-component" },
      data: JSON.stringify(["create", null, values]),
      maxRedirects: 0,
    });
  const evil = await post("https://evil.example");
  expect(evil.status()).toBeGreaterThanOrEqual(400);
  expect((await page.request.get(`/api/experiments/${id}/results`)).status()).toBe(404);
  // the same call from the app's own origin is the editor's to make
  const own = await post(baseURL!);
  expect(own.status()).toBeLessThan(400);
  expect((await page.request.get(`/api/experiments/${id}/results`)).status()).toBe(200);
});
