import path from "node:path";
import { defineConfig } from "@playwright/test";

// Browser tests run the real app (next build + next start) on its own database and a small seeded
// warehouse under data/e2e, in Debian's Chromium (Playwright's own browser download is unreachable).
// The app database is a SQLite file there, or E2E_DATABASE_URL (an empty PostgreSQL database:
// `npm run test:postgres` makes one). E2E_SKIP_BUILD=1 reuses the existing .next build.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const dataDir = path.join(__dirname, "data", "e2e");
export const e2eEnv = {
  DATABASE_URL: process.env.E2E_DATABASE_URL || `file:${path.join(dataDir, "app.db")}`,
  DUCKDB_PATH: path.join(dataDir, "warehouse.duckdb"),
  WAREHOUSE: "duckdb",
  // small enough that analyses of the 40k-user warehouse spill to disk, as large ones do (stress.spec.ts)
  DUCKDB_MEMORY_LIMIT: "64MB",
  // a copy of metrics/ the tests may add files to while the server runs
  METRICS_DIR: path.join(dataDir, "metrics"),
  // as `npm run demo`: visitors read without signing in; writes need a signed-in editor or a write key
  ANONYMOUS_ROLE: "viewer",
  // the suites sign in and refresh far more often than a person would
  SIGN_IN_ATTEMPTS_PER_MINUTE: "1000",
  ANALYSES_PER_HOUR: "100000",
};
/** Users and keys tests/e2e/prepare.ts makes for the browser tests (see tests/e2e/support/auth.ts). */
export const e2eCredentialsFile = path.join(dataDir, "credentials.json");

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: [
      "node_modules/.bin/tsx tests/e2e/prepare.ts",
      ...(process.env.E2E_SKIP_BUILD === "1" ? [] : ["node_modules/.bin/next build"]),
      // idle connections outlive the test client's reuse of them (Node's 5 s default raced a reused socket: ECONNRESET)
      `node_modules/.bin/next start -p ${PORT} --keepAliveTimeout 70000`,
    ].join(" && "),
    url: `http://127.0.0.1:${PORT}/experiments`,
    timeout: 600_000,
    reuseExistingServer: false,
    env: { ...e2eEnv, NEXT_TELEMETRY_DISABLED: "1" },
    stdout: "ignore",
    stderr: "pipe",
  },
});
