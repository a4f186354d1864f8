// Fresh app database and a small seeded warehouse for the browser tests, every demo experiment analysed.
// The SQLite file is recreated; a PostgreSQL database (E2E_DATABASE_URL) must be given empty.
import { cpSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { databaseProvider, databaseUrl } from "@/lib/db/config";
import { migrate } from "@/lib/db/migrate";
import { listExperiments } from "@/lib/analysis/experiments";
import { runAnalysis } from "@/lib/analysis/run-analysis";
import { registerDemoExperiments } from "@/lib/demo/register";
import { registerRunningDemo, RUNNING_DEMO } from "@/lib/demo/running";
import { seedWarehouse } from "@/lib/demo/seed-warehouse";
import { createApiKey } from "@/lib/auth/api-keys";
import { createUser } from "@/lib/auth/users";
import { e2eCredentialsFile } from "../../playwright.config";

async function prepare() {
  const dir = path.dirname(process.env.DUCKDB_PATH ?? "");
  if (!dir.endsWith(path.join("data", "e2e"))) throw new Error(`refusing to reset ${dir}: not the e2e data folder`);
  rmSync(dir, { recursive: true, force: true });
  // the server reads its metric files from a copy, so tests can add some without touching metrics/
  cpSync(path.join(process.cwd(), "metrics"), process.env.METRICS_DIR!, { recursive: true });
  await migrate();
  if (databaseProvider(databaseUrl()) === "postgresql" && (await listExperiments()).length > 0) {
    throw new Error("E2E_DATABASE_URL must name an empty database: the browser tests expect only the demo experiments");
  }
  await seedWarehouse(process.env.DUCKDB_PATH!, { users: 40_000, days: 28, seed: 42 });
  await registerDemoExperiments(28);
  await registerRunningDemo(); // the running experiment (issue 13), driven by npm run simulate in simulate.spec.ts
  for (const e of await listExperiments()) {
    if (e.id === RUNNING_DEMO.id) continue; // no data until simulate.spec.ts collects some
    const s = await runAnalysis(e.id);
    if (s.status !== "succeeded") throw new Error(`analysis of ${e.id} failed: ${s.error}`);
  }
  // one user per role (they sign in through the real form) and one key per scope
  const users: Record<string, { email: string; password: string }> = {};
  for (const role of ["viewer", "editor", "admin"] as const) {
    const { user, password } = await createUser({ email: `${role}@e2e.test`, name: `E2E ${role}`, role });
    users[role] = { email: user.email, password };
  }
  const keys: Record<string, string> = {};
  for (const scope of ["read", "write", "client"] as const) {
    keys[scope] = (await createApiKey({ name: `e2e ${scope}`, scope, origins: scope === "client" ? ["https://shop.e2e.test"] : [] }, "e2e")).key;
  }
  writeFileSync(e2eCredentialsFile, JSON.stringify({ users, keys }, null, 2));
}

prepare().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
