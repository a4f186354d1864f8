import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { bearer, credentials, runOutcome, signIn, type E2eRole } from "./support/auth";

// Issue 11's acceptance walk: every write surface (each server action, each mutating route) as a
// visitor, a viewer, an editor and an admin (and as API keys for the JSON API), asserting exactly
// who is refused; reads by visitors follow ANONYMOUS_ROLE (viewer on this server; `none` is in
// setup.spec.ts). The table below must name every mutating route and every server action the
// build contains: a new one fails this test until it is added.

type Caller = "anonymous" | E2eRole;
const CALLERS: Caller[] = ["anonymous", "viewer", "editor", "admin"];
const ALLOWED: Record<"editor" | "admin" | "token", Caller[]> = {
  editor: ["editor", "admin"],
  admin: ["admin"],
  token: [], // the first-admin setup: nobody, once there are users
};

/** Server actions by exported name, each with its least role and a call that shows refusal or not. */
const ACTIONS: Record<string, { page: string; need: keyof typeof ALLOWED; args: (ctx: ActionContext) => unknown[]; allowedText: RegExp }> = {
  saveExperimentAction: {
    page: "/experiments/new",
    need: "editor",
    args: (c) => ["create", null, experimentValues(`access-${c.caller}-${c.stamp}`)],
    allowedText: /\/experiments\/access-/,
  },
  completeSetupAction: {
    page: "/setup",
    need: "token",
    args: () => [{ token: "guess", email: "intruder@e2e.test", name: "", password: "correct horse battery" }],
    allowedText: /^$/, // never allowed here
  },
  createUserAction: { page: "/admin", need: "admin", args: (c) => [{ email: `made-by-${c.caller}-${c.stamp}@e2e.test`, role: "viewer" }], allowedText: /Created made-by-admin/ },
  setRoleAction: { page: "/admin", need: "admin", args: (c) => [c.victimId, "editor"], allowedText: /is now editor/ },
  resetPasswordAction: { page: "/admin", need: "admin", args: (c) => [c.victimId], allowedText: /New one-time password/ },
  createKeyAction: { page: "/admin", need: "admin", args: (c) => [{ name: `made by ${c.caller}`, scope: "read", origins: "" }], allowedText: /Key “made by admin” created/ },
  revokeKeyAction: { page: "/admin", need: "admin", args: (c) => [c.keyId], allowedText: /revoked/ },
  createWebhookAction: { page: "/admin", need: "admin", args: () => [{ url: "http://127.0.0.1:9/hook", experimentId: "" }], allowedText: /Webhook added/ },
  deleteWebhookAction: { page: "/admin", need: "admin", args: (c) => [c.webhookId], allowedText: /Webhook removed/ },
  removeUserAction: { page: "/admin", need: "admin", args: (c) => [c.victimId], allowedText: /Removed victim-/ },
  // issue 13: counts typed in, balanced assignment (on the experiment saveExperimentAction just made for this caller)
  saveCountsAction: { page: "/experiments/new/counts", need: "editor", args: (c) => ["create", `counts-${c.caller}-${c.stamp}`, countsValues()], allowedText: /\/experiments\/counts-/ },
  balanceAction: {
    page: "/experiments/new",
    need: "editor",
    args: (c) => [`access-${c.caller}-${c.stamp}`, { source: "csv", csv: cohortCsv(), idColumn: "id", candidates: 20 }],
    allowedText: /"seed":"/,
  },
  applyBalancedSeedAction: { page: "/experiments/new", need: "editor", args: (c) => [`access-${c.caller}-${c.stamp}`, "balanced-seed"], allowedText: /Seed “balanced-seed” saved/ },
  previewExposuresAction: {
    page: "/experiments/new",
    need: "editor",
    args: () => [{ exposureTable: "exposures", experimentKey: "checkout-redesign", startDate: "2026-10-01", endDate: "2026-10-28" }],
    allowedText: /"ok":true/,
  },
  recordDecisionAction: {
    page: "/experiments/button-color-aa",
    need: "editor",
    args: (c) => ["button-color-aa", { decision: "none", variant: "", note: `access walk as ${c.caller}` }],
    allowedText: /"ok":true/,
  },
  // restores the experiment this caller's saveExperimentAction made (an allowed call finds it)
  setArchivedAction: { page: "/experiments", need: "editor", args: (c) => [`access-${c.caller}-${c.stamp}`, false], allowedText: /"ok":true/ },
  // a wrong confirmation: past the role check, nothing deleted
  deleteExperimentAction: { page: "/experiments", need: "editor", args: (c) => [`access-${c.caller}-${c.stamp}`, "not-the-id"], allowedText: /Type the experiment's id/ },
};

/** Mutating routes (files under app/api) with their least role ("client": a client key, no person). */
const ROUTES: Record<string, { need: keyof typeof ALLOWED | "public" | "client"; methods: string[] }> = {
  "app/api/experiments/[id]/refresh/route.ts": { need: "editor", methods: ["POST"] },
  "app/api/experiments/[id]/counts/route.ts": { need: "editor", methods: ["POST"] },
  "app/api/collect/route.ts": { need: "client", methods: ["POST"] },
  "app/api/assign/route.ts": { need: "client", methods: ["POST"] },
  "app/api/runs/[runId]/cancel/route.ts": { need: "editor", methods: ["POST"] },
  // Better Auth's own: sign-in and sign-out are for everyone; sign-up is off (checked below)
  "app/api/auth/[...all]/route.ts": { need: "public", methods: ["GET", "POST"] },
};

interface ActionContext {
  caller: Caller;
  stamp: string;
  victimId: string;
  keyId: string;
  webhookId: number;
}

function experimentValues(id: string) {
  return {
    id,
    name: `Access ${id}`,
    hypothesis: "",
    owner: "",
    status: "draft",
    startDate: "2026-10-01",
    endDate: "2026-10-28",
    windowDays: "",
    exposureSource: "exposures",
    exposureKey: "checkout-redesign",
    controlVariant: "control",
    variants: [
      { key: "control", name: "Control", weight: "1" },
      { key: "treatment", name: "Treatment", weight: "1" },
    ],
    metrics: [{ key: "purchases", role: "primary" }],
    segments: [],
    plannedMde: "5",
  };
}

function countsValues() {
  return {
    name: "Access counts",
    variants: [
      { key: "control", users: 1000 },
      { key: "treatment", users: 1010 },
    ],
    metrics: [{ key: "converted", type: "proportion", data: { control: { conversions: 100 }, treatment: { conversions: 120 } } }],
  };
}

/** 40 subjects with two covariates, for balanced assignment. */
function cohortCsv(): string {
  return ["id,age,premium", ...Array.from({ length: 40 }, (_, i) => `user-${i},${20 + ((i * 7) % 40)},${i % 3 === 0 ? 1 : 0}`)].join("\n");
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [path.relative(process.cwd(), full)] : [];
  });
}

function mutatingMethods(file: string): string[] {
  const src = readFileSync(file, "utf8");
  const found = new Set<string>();
  for (const m of src.matchAll(/export\s+(?:const|async function|function)\s+(POST|PUT|PATCH|DELETE)\b/g)) found.add(m[1]!);
  for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) for (const n of m[1]!.matchAll(/\bas\s+(POST|PUT|PATCH|DELETE)\b/g)) found.add(n[1]!);
  return [...found].sort();
}

function serverActions(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName: string }>;
  };
  const byName: Record<string, string> = {};
  for (const [id, a] of Object.entries(manifest.node)) byName[a.exportedName] = id;
  return byName;
}

/** A request context signed in as `caller` through the real form (or none for a visitor). */
async function contextFor(browser: Browser, caller: Caller, baseURL: string): Promise<APIRequestContext> {
  const context = await browser.newContext({ baseURL });
  if (caller !== "anonymous") await signIn(await context.newPage(), caller);
  return context.request;
}

async function callAction(request: APIRequestContext, baseURL: string, id: string, page: string, args: unknown[]): Promise<{ status: number; body: string }> {
  const res = await request.post(page, {
    headers: { "next-action": id, "content-type": "text/plain;charset=UTF-8", origin: baseURL, accept: "text/x-component" },
    data: JSON.stringify(args),
    maxRedirects: 0,
  });
  // a redirect (a saved experiment) is in the headers; messages are in the RSC body
  return { status: res.status(), body: `${await res.text()}\n${res.headers()["x-action-redirect"] ?? ""}` };
}

test("every mutating route and server action is in this test's table", async () => {
  const routes = Object.fromEntries(routeFiles("app").map((f) => [f, mutatingMethods(f)]).filter(([, m]) => (m as string[]).length > 0));
  expect(Object.keys(routes).sort()).toEqual(Object.keys(ROUTES).sort());
  for (const [file, methods] of Object.entries(routes)) expect(methods, file).toEqual(expect.arrayContaining(ROUTES[file]!.methods.filter((m) => m !== "GET")));
  expect(Object.keys(serverActions()).sort()).toEqual(Object.keys(ACTIONS).sort());
  // the SDK payload is read-only (GET) but keyed: it is walked below with the client routes
  expect(routeFiles("app").filter((f) => f.startsWith(path.join("app", "api", "features")))).toEqual([path.join("app", "api", "features", "[clientKey]", "route.ts")]);
});

test("client-key surfaces (issue 13): collection, assignment and the SDK payload take a client key and nothing else", async ({ browser, baseURL, request }) => {
  const editor = await contextFor(browser, "editor", baseURL!);
  const item = () => [{ event_id: `access-${Date.now()}-${Math.random()}`, type: "event", user_id: "u-1", event_name: "access_check", timestamp: new Date().toISOString() }];
  const wrong = { authorization: `Bearer exr_client_${"A".repeat(43)}` };
  // collection
  expect((await request.post("/api/collect", { data: item() })).status(), "collection without a key").toBe(401);
  expect((await request.post("/api/collect", { data: item(), headers: wrong })).status(), "collection with a wrong key").toBe(401);
  expect((await request.post("/api/collect", { data: item(), headers: bearer("read") })).status(), "collection with a read key").toBe(403);
  expect((await request.post("/api/collect", { data: item(), headers: bearer("write") })).status(), "collection with a write key").toBe(403);
  expect((await editor.post("/api/collect", { data: item() })).status(), "collection as a signed-in editor, no key").toBe(401);
  expect((await request.post("/api/collect", { data: item(), headers: { ...bearer("client"), origin: "https://elsewhere.example" } })).status(), "from an origin the key does not allow").toBe(403);
  const ok = await request.post("/api/collect", { data: item(), headers: { ...bearer("client"), origin: "https://shop.e2e.test" } });
  expect(ok.status()).toBe(200);
  expect(ok.headers()["access-control-allow-origin"]).toBe("https://shop.e2e.test");
  expect(((await ok.json()) as { accepted: number }).accepted).toBe(1);
  // assignment
  const attrs = { attributes: { id: "u-1" } };
  expect((await request.post("/api/assign", { data: attrs })).status()).toBe(401);
  expect((await request.post("/api/assign", { data: attrs, headers: wrong })).status()).toBe(401);
  expect((await request.post("/api/assign", { data: attrs, headers: bearer("write") })).status()).toBe(403);
  expect((await request.post("/api/assign", { data: attrs, headers: bearer("client") })).status()).toBe(200);
  // the SDK payload: the key is in the path
  const client = bearer("client").authorization!.slice("Bearer ".length);
  const read = bearer("read").authorization!.slice("Bearer ".length);
  expect((await request.get(`/api/features/exr_client_${"A".repeat(43)}`)).status(), "the payload with a wrong key").toBe(401);
  expect((await request.get(`/api/features/${read}`)).status(), "the payload with a read key").toBe(403);
  expect((await request.get(`/api/features/${client}`)).status()).toBe(200);
  // a client key reaches nothing else
  expect((await request.post("/api/experiments/checkout-redesign/counts", { data: {}, headers: bearer("client") })).status()).toBe(403);
});

test("server actions: who is refused", async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const ids = serverActions();
  const stamp = Date.now().toString(36);
  const admin = await contextFor(browser, "admin", baseURL!);
  for (const caller of CALLERS) {
    const request = caller === "admin" ? admin : await contextFor(browser, caller, baseURL!);
    // fresh targets per caller, made by the admin, so an allowed call has something real to act on
    const victimEmail = `victim-${caller}-${stamp}@e2e.test`;
    expect((await callAction(admin, baseURL!, ids.createUserAction!, "/admin", [{ email: victimEmail, role: "viewer" }])).body).toContain("Created");
    const victimId = await idOnAdminPage(admin, "data-user-id", new RegExp(`data-email="${victimEmail.replace(/[.]/g, "[.]")}"`));
    const keyBody = (await callAction(admin, baseURL!, ids.createKeyAction!, "/admin", [{ name: `target ${caller}`, scope: "read", origins: "" }])).body;
    expect(keyBody).toContain("created");
    expect((await callAction(admin, baseURL!, ids.createWebhookAction!, "/admin", [{ url: "http://127.0.0.1:9/target", experimentId: "" }])).body).toContain("Webhook added");
    const ctx: ActionContext = {
      caller,
      stamp,
      victimId,
      keyId: await idOnAdminPage(admin, "data-key-id", new RegExp(`data-key-name="target ${caller}"`)),
      webhookId: Number(await idOnAdminPage(admin, "data-webhook-id", /data-testid="webhook"/)),
    };
    for (const [name, a] of Object.entries(ACTIONS)) {
      const { status, body } = await callAction(request, baseURL!, ids[name]!, a.page, a.args(ctx));
      const allowed = ALLOWED[a.need].includes(caller);
      const label = `${name} as ${caller}`;
      expect(status, label).toBeLessThan(500);
      if (allowed) {
        expect(body, label).toMatch(a.allowedText);
      } else if (a.need === "token") {
        expect(body, label).toContain("setup is finished");
      } else {
        const refusal = caller === "anonymous" ? /(Refused|Not saved): sign in to / : new RegExp(`(Refused|Not saved): your role \\(${caller}\\) may not `);
        expect(body, label).toMatch(refusal);
      }
    }
  }
  // what the refused calls would have changed did not change
  const list = (await (await admin.get("/api/experiments")).json()) as { experiments: { id: string }[] };
  expect(list.experiments.map((e) => e.id).filter((id) => id.startsWith("access-")).sort()).toEqual([`access-admin-${stamp}`, `access-editor-${stamp}`]);
  const usersPage = await (await admin.get("/admin")).text();
  expect(usersPage).toContain(`made-by-admin-${stamp}@e2e.test`);
  for (const c of ["anonymous", "viewer", "editor"]) expect(usersPage).not.toContain(`made-by-${c}-${stamp}@e2e.test`);
});

/** The id the admin page carries in a row's data attribute. */
async function idOnAdminPage(admin: APIRequestContext, attribute: string, row: RegExp): Promise<string> {
  const html = await (await admin.get("/admin")).text();
  const tags = [...html.matchAll(/<(?:tr|div)\b[^>]*>/g)].map((m) => m[0]).filter((t) => row.test(t) && t.includes(attribute));
  const id = new RegExp(`${attribute}="([^"]+)"`).exec(tags.at(-1) ?? "")?.[1];
  if (!id) throw new Error(`no ${attribute} on the admin page for ${row}`);
  return id;
}

test("mutating routes: who is refused (people and API keys)", async ({ browser, baseURL, request }) => {
  test.setTimeout(180_000);
  const id = "button-color-aa";
  const finished = ((await (await request.get(`/api/experiments/${id}/results`)).json()) as { snapshot: { id: number } }).snapshot.id;
  const callers: { name: string; request: APIRequestContext; headers: Record<string, string>; allowed: boolean }[] = [];
  for (const caller of CALLERS) callers.push({ name: caller, request: await contextFor(browser, caller, baseURL!), headers: {}, allowed: ALLOWED.editor.includes(caller) });
  callers.push({ name: "read key", request, headers: bearer("read"), allowed: false });
  callers.push({ name: "write key", request, headers: bearer("write"), allowed: true });
  callers.push({ name: "client key", request, headers: bearer("client"), allowed: false });
  callers.push({ name: "wrong key", request, headers: { authorization: `Bearer exr_write_${"A".repeat(43)}` }, allowed: false });
  const stamp = Date.now().toString(36);
  for (const c of callers) {
    const refresh = await c.request.post(`/api/experiments/${id}/refresh`, { headers: c.headers });
    const cancel = await c.request.post(`/api/runs/${finished}/cancel`, { headers: c.headers });
    const countsId = `counts-route-${c.name.replace(/\W+/g, "-")}-${stamp}`;
    const counts = await c.request.post(`/api/experiments/${countsId}/counts`, { headers: { ...c.headers, origin: baseURL! }, data: countsValues() });
    if (c.allowed) {
      expect(refresh.status(), `refresh as ${c.name}`).toBe(202);
      expect(cancel.status(), `cancel of a finished run as ${c.name}`).toBe(409);
      expect(counts.status(), `counts as ${c.name}`).toBe(201);
      await runOutcome(request, ((await refresh.json()) as { runId: number }).runId);
    } else {
      const expected = c.name === "anonymous" || c.name === "wrong key" ? 401 : 403;
      expect(refresh.status(), `refresh as ${c.name}`).toBe(expected);
      expect(cancel.status(), `cancel as ${c.name}`).toBe(expected);
      expect(counts.status(), `counts as ${c.name}`).toBe(expected);
    }
  }
  // Better Auth's endpoints: nobody signs up
  const signUp = await request.post("/api/auth/sign-up/email", {
    headers: { origin: baseURL! },
    data: { email: "self@e2e.test", password: "correct horse battery", name: "Self" },
  });
  expect(signUp.status()).toBeGreaterThanOrEqual(400);
  expect(signUp.status()).toBeLessThan(500);
  expect((await request.post("/api/auth/sign-in/email", { headers: { origin: baseURL! }, data: { email: "self@e2e.test", password: "correct horse battery" } })).status()).toBe(401);
});

test("reads: a visitor may read (ANONYMOUS_ROLE=viewer here) but not the admin pages or the app-wide audit log", async ({ request, page }) => {
  expect((await request.get("/api/experiments")).status()).toBe(200);
  expect((await request.get("/api/experiments/checkout-redesign/results")).status()).toBe(200);
  expect((await request.get("/api/audit?experiment=checkout-redesign")).status()).toBe(200);
  expect((await request.get("/api/audit")).status()).toBe(401);
  expect((await request.get("/api/audit", { headers: bearer("write") })).status()).toBe(403);
  expect((await request.get("/api/experiments", { headers: bearer("client") })).status()).toBe(403);
  await page.goto("/experiments/checkout-redesign");
  await expect(page.getByTestId("row-purchases-treatment")).toBeVisible();
  await expect(page.getByRole("button", { name: "Refresh analysis" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Edit experiment" })).toHaveCount(0);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin$/);
  await page.goto("/experiments/new");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fexperiments%2Fnew$/);
  expect(credentials().users.admin.email).toBe("admin@e2e.test");
});
