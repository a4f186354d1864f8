import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

// A fresh deployment: the same build started on an empty app database with the defaults of
// `npm start` (ANONYMOUS_ROLE=none). It prints a one-time setup token in its log; /setup makes
// the first admin only with that token; nobody reads anything before signing in.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let server: ChildProcess | undefined;
let dir: string;
let base: string;
let log = "";

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(path.join(tmpdir(), "e2e-fresh-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // the defaults of `npm start`: none of the e2e server's settings
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATABASE_URL: `file:${path.join(dir, "app.db")}`, DUCKDB_PATH: path.join(dir, "warehouse.duckdb"), NEXT_TELEMETRY_DISABLED: "1" };
  for (const k of Object.keys(env)) if (/^(ANONYMOUS_ROLE|AUTH_)/.test(k)) delete env[k];
  const child = spawn(path.join(process.cwd(), "node_modules", ".bin", "next"), ["start", "-p", String(port)], { env, stdio: ["ignore", "pipe", "pipe"] });
  server = child;
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const end = Date.now() + 90_000;
  while (!/setup token: \S+/.test(log)) {
    if (child.exitCode !== null) throw new Error(`the fresh server exited: ${log}`);
    if (Date.now() > end) throw new Error(`no setup token in the log: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    await new Promise<void>((resolve) => {
      server!.once("exit", () => resolve());
      server!.kill("SIGTERM");
    });
  }
  rmSync(dir, { recursive: true, force: true });
});

test("nothing is readable before signing in (ANONYMOUS_ROLE=none); the first admin needs the logged token", async ({ page, request }) => {
  const token = /setup token: (\S+)/.exec(log)![1]!;
  expect(log).toMatch(new RegExp(`Create the first admin at\\n  http://localhost:${new URL(base).port}/setup\\n`));
  expect((await request.get(`${base}/api/experiments`)).status()).toBe(401);
  expect((await request.get(`${base}/api/experiments/x/results`)).status()).toBe(401);

  // a visitor is sent to sign in, and sign-in to the setup while there are no users
  await page.goto(`${base}/experiments`);
  await expect(page).toHaveURL(`${base}/setup`);
  await page.getByLabel("Setup token (from the server log)").fill("not-the-token");
  await page.getByLabel("Email").fill("first@fresh.test");
  await page.getByLabel("Password (at least 10 characters)").fill("first admin password");
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.locator("form [role=alert]")).toHaveText("the setup token is not the one in the server log");

  await page.getByLabel("Setup token (from the server log)").fill(token);
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page).toHaveURL(`${base}/admin`);
  await expect(page.getByTestId("user-menu")).toContainText("first@fresh.test admin");
  await expect(page.getByTestId("users-table")).toContainText("first@fresh.test");

  // setup is closed now, for everyone; the token does nothing more
  const other = await page.context().browser()!.newContext();
  const visitor = await other.newPage();
  await visitor.goto(`${base}/setup`);
  await expect(visitor).toHaveURL(`${base}/sign-in`);
  await other.close();
  expect((await page.request.get(`${base}/api/experiments`)).status()).toBe(200);
});
