import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { migrate } from "@/lib/db/migrate";
import { getExperiment, listExperiments } from "@/lib/analysis/experiments";
import { hasSucceededSnapshot } from "@/lib/analysis/store";
import { runAnalysis } from "@/lib/analysis/run-analysis";
import { DEFAULT_SEED, DEMO_EXPERIMENTS } from "@/lib/demo/plan";
import { registerDemoExperiments } from "@/lib/demo/register";
import { RUNNING_DEMO, registerRunningDemo } from "@/lib/demo/running";
import { seedWarehouse } from "@/lib/demo/seed-warehouse";
import { config } from "@/lib/config";
import { duckdbPath } from "@/lib/warehouse/config";
import { createUser, resetPassword } from "@/lib/auth/users";
import { fail, main } from "./cli";
import { cliErrorMessage } from "./cli-errors";

// `npm run demo`: database migrated, warehouse seeded if absent, every experiment analysed,
// the app built and started. Safe to run again: it reuses the warehouse and adds new snapshots.

// Next would otherwise try to send anonymous telemetry from a machine that may have no network.
// The demo opens without signing in: visitors may read (ANONYMOUS_ROLE=viewer, unless set); every
// write still needs a signed-in editor.
const env = { NEXT_TELEMETRY_DISABLED: "1", ...process.env, ANONYMOUS_ROLE: process.env.ANONYMOUS_ROLE || "viewer" };
const DEMO_ADMIN = "admin@demo.local";
const DEMO_CLIENT_KEY = "demo web client";
const nextBin = path.join(process.cwd(), "node_modules", ".bin", "next");

async function prepare(): Promise<void> {
  const applied = await migrate();
  if (applied.length) console.log(`Database migrated (${applied.join(", ")}).`);
  const file = duckdbPath();
  if (!existsSync(file)) {
    console.log(`Seeding the demo warehouse at ${file} (${DEFAULT_SEED.users.toLocaleString("en")} users)…`);
    const s = await seedWarehouse(file, DEFAULT_SEED);
    console.log(`  ${s.events.toLocaleString("en")} events in ${s.seconds}s`);
    await registerDemoExperiments(DEFAULT_SEED.days);
  } else {
    const missing = [];
    for (const e of DEMO_EXPERIMENTS) if (!(await getExperiment(e.id))) missing.push(e.id);
    if (missing.length) await registerDemoExperiments(DEFAULT_SEED.days);
    console.log(`Using the existing warehouse at ${file}.`);
  }
  // the running experiment: served in the SDK payload, driven by npm run simulate
  if (await registerRunningDemo()) console.log(`Registered the running experiment ${RUNNING_DEMO.id}.`);
  for (const exp of await listExperiments()) {
    // its data arrives through collection (npm run simulate): refreshed here once an analysis found
    // some (a failed run, e.g. the scheduler's before any exposures, does not count; nor does it stop a refresh)
    if (exp.id === RUNNING_DEMO.id && !(await hasSucceededSnapshot(exp.id))) {
      console.log(`  ${exp.id.padEnd(33)} waiting for exposures (npm run simulate, below)`);
      continue;
    }
    const s = await runAnalysis(exp.id, undefined, { requestedBy: "npm run demo" });
    const note = s.status === "succeeded" ? `${s.durationMs} ms` : `FAILED: ${s.error}`;
    console.log(`  analysed ${exp.id.padEnd(24)} ${note}`);
  }
}

/**
 * The demo admin: made on a database without admins, and given a fresh one-time password at each
 * start while it exists (only its hash is kept, so there is no other way to print one). A
 * database whose admins are real people is left alone. The sign-in lines to print.
 */
async function demoAdmin(): Promise<string[]> {
  const { prisma } = await import("@/lib/db");
  const existing = await prisma.user.findUnique({ where: { email: DEMO_ADMIN } });
  let password: string;
  if (existing) password = await resetPassword(existing.id);
  else if ((await prisma.user.count({ where: { role: "admin" } })) === 0) ({ password } = await createUser({ email: DEMO_ADMIN, name: "Demo admin", role: "admin" }));
  else return ["  Sign in with your own account to edit, analyse or administer."];
  return [`  Sign in to edit, analyse or administer: ${DEMO_ADMIN} / ${password}  (the demo admin; a new password each start)`];
}

/**
 * The demo's client key (for the SDK payload and collection from pages on this machine): made
 * anew at each start, the previous one revoked (only its hash is kept, so it cannot be printed again).
 */
async function demoClientKey(port: string): Promise<string> {
  const { prisma } = await import("@/lib/db");
  const { createApiKey } = await import("@/lib/auth/api-keys");
  await prisma.apiKey.updateMany({ where: { name: DEMO_CLIENT_KEY, revokedAt: null }, data: { revokedAt: new Date() } });
  const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  return (await createApiKey({ name: DEMO_CLIENT_KEY, scope: "client", origins }, "npm run demo")).key;
}

async function run(): Promise<void> {
  await prepare().catch((err: unknown) => fail(`demo failed: ${cliErrorMessage(err)}`));
  const signIn = await demoAdmin();
  const clientKey = await demoClientKey(String(config().PORT));
  const port = String(config().PORT);
  if (!config().DEMO_SKIP_BUILD) {
    console.log("Building the app (next build)…");
    const build = spawnSync(nextBin, ["build"], { stdio: "inherit", env });
    if (build.status !== 0) fail("next build failed");
  }
  const server = spawn(nextBin, ["start", "-p", port], { stdio: ["ignore", "pipe", "inherit"], env });
  let announced = false;
  server.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /Ready/i.test(chunk.toString())) {
      announced = true;
      const base = `http://localhost:${port}`;
      console.log(`\nThe demo is up:\n  ${base}/experiments`);
      for (const id of [...DEMO_EXPERIMENTS.map((e) => e.id), RUNNING_DEMO.id]) console.log(`  ${base}/experiments/${id}`);
      console.log(`\nAnyone who can reach it may read the dashboards without signing in (ANONYMOUS_ROLE=${env.ANONYMOUS_ROLE}).`);
      for (const line of signIn) console.log(line);
      console.log(`  ${base}/sign-in`);
      console.log(`\nThe demo's client key (a new one each start): ${clientKey}`);
      console.log(`  SDK payload: ${base}/api/features/${clientKey}`);
      console.log(`  collection:  POST ${base}/api/collect  (Authorization: Bearer <client key>)`);
      console.log(`  drive the running experiment end to end: npm run simulate -- ${RUNNING_DEMO.id} --url ${base} --key ${clientKey}`);
    }
  });
  const stop = () => server.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.exitCode = await new Promise<number>((resolve) => server.on("exit", (code) => resolve(code ?? 0)));
}

main(run);
