import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { prisma } from "@/lib/db";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { fail, main, wholeNumber } from "./cli";

// `npm run stress -- --url http://127.0.0.1:3000 --seconds 30`: for a bounded time, fires
// concurrent refreshes of several experiments, CLI analyses (child processes on the same app
// database and warehouse: run it with the server's DATABASE_URL and DUCKDB_PATH) and page loads
// at one running server. Then it checks that the server still answers, that no run is left
// queued or running, and that every run it caused ended succeeded, or failed with a message.
// It makes itself a write key in that app database for its requests (revoked at the end): a
// refresh answers 202 at once and the run is followed until it has finished.
// Prints one JSON summary; exits 1 on any violation.

const USAGE =
  "usage: npm run stress -- --url http://127.0.0.1:PORT [--seconds N] [--refreshers N] [--clis N] [--pagers N] [--experiments id1,id2] [--max-requests N]";

interface Tally {
  count: number;
  byOutcome: Record<string, number>;
}

const tally = (): Tally => ({ count: 0, byOutcome: {} });
function note(t: Tally, outcome: string) {
  t.count += 1;
  t.byOutcome[outcome] = (t.byOutcome[outcome] ?? 0) + 1;
}

/** Stress traffic goes to this machine only. */
function loopbackOnly(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`--url must be a URL such as http://127.0.0.1:3000 (got "${raw}")`, 2);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!(host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host))) {
    fail(`--url must point at this machine (localhost, 127.x.x.x or [::1]); got "${url.hostname}"`, 2);
  }
  return url;
}

main(async () => {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: "string" },
        seconds: { type: "string" },
        refreshers: { type: "string" },
        clis: { type: "string" },
        pagers: { type: "string" },
        experiments: { type: "string" },
        "max-requests": { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) return void console.log(USAGE);
  if (!values.url) fail(USAGE, 2);
  const base = loopbackOnly(values.url);
  const seconds = wholeNumber("seconds", values.seconds, 30, 1);
  const refreshers = wholeNumber("refreshers", values.refreshers, 3);
  const clis = wholeNumber("clis", values.clis, 2);
  const pagers = wholeNumber("pagers", values.pagers, 2);
  const maxRequests = wholeNumber("max-requests", values["max-requests"], 2000, 1);
  const requestTimeoutMs = 180_000;

  const violations: string[] = [];
  const at = (p: string) => new URL(p, base).toString();

  const key = await createApiKey({ name: `npm run stress (${new Date().toISOString()})`, scope: "write" }, "npm run stress");
  const auth = { authorization: `Bearer ${key.key}` };
  const listed = await fetch(at("/api/experiments"), { headers: auth, signal: AbortSignal.timeout(30_000) }).catch((err: Error) => {
    fail(`the server at ${base.origin} does not answer: ${err.message}`);
  });
  if (!listed.ok) fail(`GET /api/experiments answered ${listed.status}`);
  const all = ((await listed.json()) as { experiments: { id: string }[] }).experiments.map((e) => e.id);
  const ids = values.experiments ? values.experiments.split(",").map((s) => s.trim()).filter(Boolean) : all;
  for (const id of ids) if (!all.includes(id)) fail(`no experiment "${id}" on the server`, 2);
  if (ids.length === 0) fail("the server has no experiments to analyse", 2);

  const firstRun = ((await prisma.snapshot.aggregate({ _max: { id: true } }))._max.id ?? 0) + 1;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let budget = maxRequests;
  const more = () => Date.now() < deadline && budget-- > 0;
  let turn = 0;
  const nextId = () => ids[turn++ % ids.length]!;

  /** Polls GET /api/runs/<id> until the run has finished (or the request timeout passes). */
  async function followRun(runId: number): Promise<{ status: string; error: string | null }> {
    const end = Date.now() + requestTimeoutMs;
    for (;;) {
      const res = await fetch(at(`/api/runs/${runId}`), { headers: auth, signal: AbortSignal.timeout(30_000) });
      const body = (await res.json().catch(() => ({}))) as { status?: string; error?: string | null };
      if (!res.ok) return { status: `HTTP ${res.status}`, error: body.error ?? null };
      if (body.status !== "queued" && body.status !== "running") return { status: body.status ?? "unknown", error: body.error ?? null };
      if (Date.now() > end) return { status: `still ${body.status}`, error: null };
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const refresh = tally();
  async function refresher(): Promise<void> {
    while (more()) {
      const id = nextId();
      try {
        const res = await fetch(at(`/api/experiments/${encodeURIComponent(id)}/refresh`), {
          method: "POST",
          headers: { origin: base.origin, ...auth },
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        const body = (await res.json().catch(() => ({}))) as { runId?: number; status?: string; error?: string };
        // 202 started (followed to its end below); 409 one is already active; 429 over the caller's analyses per hour
        if (![202, 409, 429].includes(res.status)) violations.push(`POST refresh ${id}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        if (res.status !== 202 || body.runId === undefined) {
          note(refresh, String(res.status));
          continue;
        }
        const outcome = await followRun(body.runId);
        note(refresh, `202 ${outcome.status}`);
        if (outcome.status === "failed" && !outcome.error) violations.push(`run ${body.runId} of ${id}: failed without a message`);
      } catch (err) {
        note(refresh, "no answer");
        violations.push(`POST refresh ${id}: ${(err as Error).message}`);
      }
    }
  }

  const pages = tally();
  let pageTurn = 0;
  async function pager(): Promise<void> {
    while (more()) {
      const target = pageTurn++ % 2 === 0 ? "/experiments" : `/experiments/${encodeURIComponent(nextId())}`;
      try {
        const res = await fetch(at(target), { headers: auth, signal: AbortSignal.timeout(requestTimeoutMs) });
        await res.arrayBuffer();
        note(pages, String(res.status));
        if (res.status !== 200) violations.push(`GET ${target}: ${res.status}`);
      } catch (err) {
        note(pages, "no answer");
        violations.push(`GET ${target}: ${(err as Error).message}`);
      }
    }
  }

  const cli = tally();
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  function analyzeOnce(id: string): Promise<void> {
    return new Promise((resolve) => {
      // the same environment as this script: run it with the server's DATABASE_URL and DUCKDB_PATH
      const child = spawn(tsx, [path.join("scripts", "analyze.ts"), id], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), requestTimeoutMs);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        const lines = stderr.trim().split("\n").filter((l) => l && !l.startsWith("npm warn"));
        note(cli, signal ? `signal ${signal}` : `exit ${code}`);
        // exit 0, or exit 1 with one line (the analysis failed, another is active, the file is busy)
        const clean = signal === null && (code === 0 || (code === 1 && lines.length === 1 && !/\bat .+:\d+:\d+/.test(stderr)));
        if (!clean) violations.push(`analyze ${id}: ${signal ?? `exit ${code}`} ${stderr.trim().slice(0, 500)}`);
        resolve();
      });
    });
  }
  async function cliWorker(): Promise<void> {
    while (more()) await analyzeOnce(nextId());
  }

  await Promise.all([
    ...Array.from({ length: refreshers }, refresher),
    ...Array.from({ length: clis }, cliWorker),
    ...Array.from({ length: pagers }, pager),
  ]);
  const elapsedMs = Date.now() - started;

  // afterwards: the server still answers …
  for (const p of ["/experiments", "/api/experiments"]) {
    const res = await fetch(at(p), { headers: auth, signal: AbortSignal.timeout(30_000) }).catch((err: Error) => err);
    if (res instanceof Error || res.status !== 200) violations.push(`after the stress, GET ${p}: ${res instanceof Error ? res.message : res.status}`);
  }
  // … no run is left active, and every run ended succeeded, or failed with a message
  const runs = await prisma.snapshot.findMany({
    where: { id: { gte: firstRun } },
    select: { id: true, experimentId: true, status: true, error: true, activeExperimentId: true },
  });
  const stuck = await prisma.snapshot.findMany({
    where: { OR: [{ status: { in: ["queued", "running"] } }, { activeExperimentId: { not: null } }] },
    select: { id: true, experimentId: true, status: true },
  });
  for (const s of stuck) violations.push(`snapshot ${s.id} of ${s.experimentId} is still ${s.status}`);
  const byStatus: Record<string, number> = {};
  for (const r of runs) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    if (r.status !== "succeeded" && r.status !== "failed" && r.status !== "cancelled") violations.push(`snapshot ${r.id} ended "${r.status}"`);
    if (r.status === "failed" && !r.error?.trim()) violations.push(`snapshot ${r.id} failed without a message`);
  }
  const failures: Record<string, number> = {};
  for (const r of runs) if (r.status === "failed") failures[r.error!.slice(0, 120)] = (failures[r.error!.slice(0, 120)] ?? 0) + 1;

  await revokeApiKey(key.row.id);
  console.log(
    JSON.stringify(
      {
        url: base.origin,
        seconds,
        elapsedMs,
        experiments: ids,
        workers: { refreshers, clis, pagers },
        refreshes: refresh,
        cliAnalyses: cli,
        pageLoads: pages,
        runs: { total: runs.length, byStatus, failures },
        violations,
      },
      null,
      2,
    ),
  );
  if (violations.length > 0) process.exitCode = 1;
  await prisma.$disconnect();
  if (violations.length > 0) fail(`stress: ${violations.length} violation(s)`);
});
