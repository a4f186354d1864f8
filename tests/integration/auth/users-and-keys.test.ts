import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { useTempEnvironment } from "../../support/temp-env";

// Sign-in, roles, API keys and the first-admin setup against a real app database (SQLite, or
// PostgreSQL under `npm run test:postgres`) and Better Auth's real request handler.

const env = useTempEnvironment("auth");

function configure(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfig();
}

const BASE = "http://app.test";

/** Signs in through Better Auth's handler as a browser would; the session cookie, or the response when refused. */
async function signIn(email: string, password: string): Promise<{ cookie: string | null; status: number }> {
  const { getAuth } = await import("@/lib/auth/auth");
  const res = await (await getAuth()).handler(
    new Request(`${BASE}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE, "x-forwarded-for": "10.0.0.1" },
      body: JSON.stringify({ email, password }),
    }),
  );
  const setCookie = res.headers.getSetCookie().find((c) => c.includes("session_token="));
  return { cookie: setCookie ? setCookie.split(";")[0]! : null, status: res.status };
}

beforeAll(async () => {
  configure({ ANONYMOUS_ROLE: undefined, AUTH_URL: BASE, SIGN_IN_ATTEMPTS_PER_MINUTE: "1000" });
  const { migrate } = await import("@/lib/db/migrate");
  await migrate();
});
afterAll(() => env.cleanup());

describe("first-admin setup", () => {
  it("is open on an empty user table, refuses a wrong token, and creates exactly one admin when two forms race", async () => {
    const { issueSetupToken, completeSetup, setupOpen } = await import("@/lib/auth/setup");
    const { prisma } = await import("@/lib/db");
    expect(await setupOpen()).toBe(true);
    const first = await issueSetupToken();
    const token = await issueSetupToken(); // a restart prints a new token; the old one stops working
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(JSON.stringify(await prisma.setting.findMany())).not.toContain(token!); // only its hash is kept
    await expect(completeSetup({ token: first!, email: "a@x.test", password: "correct horse battery" })).rejects.toThrow(/not the one in the server log/);
    await expect(completeSetup({ token: "guess", email: "a@x.test", password: "correct horse battery" })).rejects.toThrow(/not the one/);
    const outcomes = await Promise.allSettled([
      completeSetup({ token: token!, email: "first@x.test", password: "correct horse battery" }),
      completeSetup({ token: token!, email: "second@x.test", password: "correct horse battery" }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.user.count()).toBe(1);
    expect((await prisma.user.findFirstOrThrow()).role).toBe("admin");
    expect(await setupOpen()).toBe(false);
    expect(await issueSetupToken()).toBeNull();
    expect(await prisma.setting.findUnique({ where: { key: "setup.token" } })).toBeNull();
  });
});

describe("users", () => {
  it("a created user signs in with the printed one-time password (stored only as Better Auth's scrypt hash); a wrong one is refused", async () => {
    const { createUser } = await import("@/lib/auth/users");
    const { prisma } = await import("@/lib/db");
    const { user, password, generated } = await createUser({ email: " Ed@X.test ", role: "editor" });
    expect(generated).toBe(true);
    expect(user.email).toBe("ed@x.test");
    expect(password.length).toBeGreaterThanOrEqual(20);
    const account = await prisma.account.findFirstOrThrow({ where: { userId: user.id } });
    expect(account.providerId).toBe("credential");
    expect(account.password).not.toContain(password);
    expect(account.password).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/); // scrypt salt:key
    expect((await signIn("ed@x.test", password)).cookie).toMatch(/session_token=/);
    const wrong = await signIn("ed@x.test", password + "x");
    expect(wrong.cookie).toBeNull();
    expect(wrong.status).toBe(401);
    await expect(createUser({ email: "ed@x.test", role: "viewer" })).rejects.toThrow(/exists already/);
    await expect(createUser({ email: "not-an-email", role: "viewer" })).rejects.toThrow(/email/);
  });

  it("the session carries the user's current role: a change takes effect at the next request", async () => {
    const { createUser, setUserRole } = await import("@/lib/auth/users");
    const { requireRole, AccessDenied } = await import("@/lib/auth/authorize");
    const { user, password } = await createUser({ email: "vi@x.test", role: "viewer" });
    const { cookie } = await signIn("vi@x.test", password);
    const headers = new Headers({ cookie: cookie! });
    expect(await requireRole("viewer", headers)).toMatchObject({ kind: "user", email: "vi@x.test", role: "viewer" });
    const refused = await requireRole("editor", headers).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AccessDenied);
    expect(refused).toMatchObject({ status: 403, message: expect.stringMatching(/your role \(viewer\).*editor/) });
    await setUserRole(user.id, "editor");
    expect(await requireRole("editor", headers)).toMatchObject({ role: "editor" });
  });

  it("the last admin can be neither demoted nor removed", async () => {
    const { setUserRole, removeUser, createUser } = await import("@/lib/auth/users");
    const { prisma } = await import("@/lib/db");
    const admin = await prisma.user.findFirstOrThrow({ where: { role: "admin" } });
    await expect(setUserRole(admin.id, "editor")).rejects.toThrow(/last admin/);
    await expect(removeUser(admin.id)).rejects.toThrow(/last admin/);
    const other = await createUser({ email: "ad2@x.test", role: "admin" });
    await setUserRole(admin.id, "editor");
    await expect(removeUser(other.user.id)).rejects.toThrow(/last admin/);
    await setUserRole(admin.id, "admin");
    await removeUser(other.user.id);
    expect(await prisma.user.findUnique({ where: { id: other.user.id } })).toBeNull();
  });

  it("a password reset ends the user's sessions and the old password stops working", async () => {
    const { createUser, resetPassword } = await import("@/lib/auth/users");
    const { requireRole } = await import("@/lib/auth/authorize");
    const { user, password } = await createUser({ email: "re@x.test", role: "editor" });
    const { cookie } = await signIn("re@x.test", password);
    const fresh = await resetPassword(user.id);
    expect(await requireRole("viewer", new Headers({ cookie: cookie! })).catch((e: Error) => e.message)).toMatch(/sign in/);
    expect((await signIn("re@x.test", password)).status).toBe(401);
    expect((await signIn("re@x.test", fresh)).cookie).not.toBeNull();
  });
});

describe("the command-line tools, run as a user runs them", () => {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const run = (script: string, args: string[]) => {
    const r = spawnSync(tsx, [path.join("scripts", script), ...args], { env: process.env, encoding: "utf8", timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("user:create prints a one-time password that signs in; a bad role or a taken email exits non-zero naming the problem", async () => {
    const made = run("user-create.ts", ["--email", "cli-made@example.com", "--role", "editor", "--name", "Cli Made"]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain("Created cli-made@example.com (editor).");
    const password = /One-time password: (\S+)/.exec(made.stdout)?.[1];
    expect(password).toBeDefined();
    expect((await signIn("cli-made@example.com", password!)).cookie).not.toBeNull();
    expect((await signIn("cli-made@example.com", `${password!}x`)).cookie).toBeNull();

    const badRole = run("user-create.ts", ["--email", "x@example.com", "--role", "owner"]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be viewer, editor or admin (got "owner")');
    const again = run("user-create.ts", ["--email", "cli-made@example.com", "--role", "viewer"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("cli-made@example.com");
    for (const r of [badRole, again]) expect(r.stderr).not.toMatch(/\n\s+at |node_modules/);
  });

  it("key:create prints a key once, stored only as its hash, with the scope and origins asked for", async () => {
    const { findApiKey, keyOrigins, keyScope } = await import("@/lib/auth/api-keys");
    const made = run("key-create.ts", ["--scope", "client", "--name", "web shop", "--origins", "https://shop.example.com, https://m.example.com"]);
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trim();
    expect(key.split("\n")).toHaveLength(1);
    expect(made.stderr).toContain("client key “web shop”");
    const row = await findApiKey(key);
    expect(row).not.toBeNull();
    expect(keyScope(row!)).toBe("client");
    expect(keyOrigins(row!)).toEqual(["https://shop.example.com", "https://m.example.com"]);
    expect(JSON.stringify(row)).not.toContain(key);
    const bad = run("key-create.ts", ["--scope", "admin", "--name", "n"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--scope must be read, write or client");
  });
});

describe("API keys", () => {
  it("are shown once, stored as a SHA-256, map read → viewer and write → editor, record their last use, and stop at revocation", async () => {
    const { createApiKey, revokeApiKey, hashKey } = await import("@/lib/auth/api-keys");
    const { requireRole, AccessDenied } = await import("@/lib/auth/authorize");
    const { prisma } = await import("@/lib/db");
    const read = await createApiKey({ name: "dashboards", scope: "read" }, "test");
    const write = await createApiKey({ name: "scheduler", scope: "write" }, "test");
    expect(read.key).toMatch(/^exr_read_[A-Za-z0-9_-]{43}$/);
    expect(write.key).toMatch(/^exr_write_/);
    const stored = await prisma.apiKey.findUniqueOrThrow({ where: { id: read.row.id } });
    expect(stored.secretHash).toBe(hashKey(read.key));
    expect(JSON.stringify(await prisma.apiKey.findMany())).not.toContain(read.key.slice(9));
    expect(stored.lastUsedAt).toBeNull();

    const bearer = (key: string) => new Headers({ authorization: `Bearer ${key}` });
    expect(await requireRole("viewer", bearer(read.key))).toMatchObject({ kind: "key", scope: "read", role: "viewer" });
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: read.row.id } })).lastUsedAt).not.toBeNull();
    await expect(requireRole("editor", bearer(read.key))).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/read-only/) });
    expect(await requireRole("editor", bearer(write.key))).toMatchObject({ role: "editor" });
    await expect(requireRole("admin", bearer(write.key))).rejects.toMatchObject({ status: 403 });

    // a wrong or revoked key is refused, never treated as anonymous (even when visitors may read)
    configure({ ANONYMOUS_ROLE: "viewer" });
    try {
      await expect(requireRole("viewer", bearer(read.key.slice(0, -1) + (read.key.endsWith("A") ? "B" : "A")))).rejects.toMatchObject({ status: 401 });
      await expect(requireRole("viewer", new Headers({ authorization: "Basic abc" }))).rejects.toBeInstanceOf(AccessDenied);
      expect(await revokeApiKey(read.row.id)).not.toBeNull();
      expect(await revokeApiKey(read.row.id)).toBeNull(); // once
      await expect(requireRole("viewer", bearer(read.key))).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/revoked/) });
    } finally {
      configure({ ANONYMOUS_ROLE: undefined });
    }
  });

  it("client keys have allowed origins and may not use the JSON API", async () => {
    const { createApiKey, keyOrigins } = await import("@/lib/auth/api-keys");
    const { requireRole } = await import("@/lib/auth/authorize");
    const client = await createApiKey({ name: "shop", scope: "client", origins: ["https://shop.example.com/", "http://localhost:5173"] }, null);
    expect(keyOrigins(client.row)).toEqual(["https://shop.example.com", "http://localhost:5173"]);
    await expect(requireRole("viewer", new Headers({ authorization: `Bearer ${client.key}` }))).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/SDK payload/),
    });
    await expect(createApiKey({ name: "x", scope: "client", origins: ["https://shop.example.com/path"] }, null)).rejects.toThrow(/scheme, host and port/);
    await expect(createApiKey({ name: "x", scope: "read", origins: ["https://a.example"] }, null)).rejects.toThrow(/only client keys/);
  });
});

describe("authorizeClientKey (for the SDK payload and collection routes)", () => {
  it("needs a live client key, and from a browser one of its origins; CORS headers name only that origin", async () => {
    const { createApiKey, revokeApiKey } = await import("@/lib/auth/api-keys");
    const { authorizeClientKey, corsHeaders, corsPreflight } = await import("@/lib/auth/client-keys");
    const client = await createApiKey({ name: "web", scope: "client", origins: ["https://shop.example.com"] }, null);
    const secret = await createApiKey({ name: "secret", scope: "write" }, null);
    const req = (headers: Record<string, string>) => new Request("http://app.test/api/collect", { method: "POST", headers });
    const status = async (check: ReturnType<typeof authorizeClientKey>) => {
      const c = await check;
      return c.ok ? 200 : c.response.status;
    };
    expect(await status(authorizeClientKey(req({})))).toBe(401); // collection without a key
    expect(await status(authorizeClientKey(req({ authorization: "Bearer exr_client_" + "x".repeat(43) })))).toBe(401); // wrong key
    expect(await status(authorizeClientKey(req({ authorization: `Bearer ${secret.key}` })))).toBe(403);
    expect(await status(authorizeClientKey(req({ authorization: `Bearer ${client.key}`, origin: "https://evil.example" })))).toBe(403);
    expect(await status(authorizeClientKey(req({ authorization: `Bearer ${client.key}`, origin: "https://shop.example.com" })))).toBe(200);
    expect(await status(authorizeClientKey(req({ authorization: `Bearer ${client.key}` })))).toBe(200); // an app, not a browser
    expect(await status(authorizeClientKey(req({}), client.key))).toBe(200); // the key in the path (SDK payload)
    expect(corsHeaders("https://shop.example.com")["access-control-allow-origin"]).toBe("https://shop.example.com");
    expect(corsHeaders(null)).toEqual({});
    const preflight = (origin: string) => new Request("http://app.test/api/features/x", { method: "OPTIONS", headers: { origin } });
    expect((await corsPreflight(preflight("https://shop.example.com"), client.key)).status).toBe(204);
    expect((await corsPreflight(preflight("https://evil.example"), client.key)).status).toBe(403);
    await revokeApiKey(client.row.id);
    expect(await status(authorizeClientKey(req({ authorization: `Bearer ${client.key}` })))).toBe(401);
  });
});

describe("anonymous visitors", () => {
  it("follow ANONYMOUS_ROLE: none (the default) reads nothing, viewer reads; neither writes", async () => {
    const { requireRole } = await import("@/lib/auth/authorize");
    const none = new Headers();
    configure({ ANONYMOUS_ROLE: undefined });
    await expect(requireRole("viewer", none)).rejects.toMatchObject({ status: 401 });
    configure({ ANONYMOUS_ROLE: "viewer" });
    try {
      expect(await requireRole("viewer", none)).toEqual({ kind: "anonymous", role: "viewer" });
      await expect(requireRole("editor", none)).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/sign in/) });
    } finally {
      configure({ ANONYMOUS_ROLE: undefined });
    }
  });
});

describe("OpenID Connect (configured by OIDC_*)", () => {
  it("sends the browser to the provider from its discovery document, with the client id, PKCE and our callback", async () => {
    const { resetAuth, getAuth } = await import("@/lib/auth/auth");
    const idp = createServer((req, res) => {
      const base = `http://127.0.0.1:${(idp.address() as { port: number }).port}`;
      if (req.url === "/.well-known/openid-configuration") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            issuer: base,
            authorization_endpoint: `${base}/authorize`,
            token_endpoint: `${base}/token`,
            userinfo_endpoint: `${base}/userinfo`,
            jwks_uri: `${base}/jwks`,
            id_token_signing_alg_values_supported: ["RS256"],
          }),
        );
      } else {
        res.writeHead(404).end();
      }
    });
    idp.listen(0, "127.0.0.1");
    await once(idp, "listening");
    const port = (idp.address() as { port: number }).port;
    configure({ OIDC_DISCOVERY_URL: `http://127.0.0.1:${port}/.well-known/openid-configuration`, OIDC_CLIENT_ID: "experiments-app", OIDC_CLIENT_SECRET: "s3cret" });
    resetAuth();
    try {
      const res = await (await getAuth()).handler(
        new Request(`${BASE}/api/auth/sign-in/social`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: BASE },
          body: JSON.stringify({ provider: "oidc", callbackURL: "/experiments" }),
        }),
      );
      expect(res.status).toBe(200);
      const { url } = (await res.json()) as { url: string };
      const to = new URL(url);
      expect(`${to.origin}${to.pathname}`).toBe(`http://127.0.0.1:${port}/authorize`);
      expect(to.searchParams.get("client_id")).toBe("experiments-app");
      expect(to.searchParams.get("redirect_uri")).toBe(`${BASE}/api/auth/callback/oidc`);
      expect(to.searchParams.get("code_challenge_method")).toBe("S256");
      expect(to.searchParams.get("scope")?.split(" ")).toEqual(expect.arrayContaining(["openid", "email", "profile"]));
    } finally {
      configure({ OIDC_DISCOVERY_URL: undefined, OIDC_CLIENT_ID: undefined, OIDC_CLIENT_SECRET: undefined });
      resetAuth();
      idp.close();
    }
  });
});
