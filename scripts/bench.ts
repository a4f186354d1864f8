import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { SufficientStats } from "@/lib/analysis/sufficient-stats";
import { resetConfig } from "@/lib/config";
import { DEMO_START, demoEndDate } from "@/lib/demo/plan";
import { DEFAULT_ANALYSIS_MEMORY_LIMIT, DuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { benchStats } from "./bench-stats";
import { benchCollection } from "./bench-collect";
import { compareFloor, FLOOR_EXPERIMENT, floorParams, floorSql } from "./bench-floor";
import { fail, main, wholeNumber } from "./cli";

// `npm run bench`: one JSON object per measurement on stdout, all on one warehouse file in one run.
// Targets (issues 4 and 14): seeding 5M users within 4 GB peak RSS; the whole analysis of
// checkout-redesign as a user runs it (the CLI process) within 1.5× the hand-written statement of
// its aggregates (scripts/bench-handwritten.sql, the floor, checked to give the same sums) and
// 2 GB peak RSS, rows returned O(variants × slices × days); the stats engine answers 20,000
// comparisons in under 2 s; then the collection endpoint (issue 13; --skip-collect leaves it out).
// Each data size gets its own warehouse under data/bench/ (or --dir), seeded once and reused while
// the parameters match; the analysis does not write to it. DuckDB runs with the adapter's settings
// (DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS).

const USAGE = "usage: npm run bench -- [--users N] [--days D] [--seed S] [--reseed] [--dir FOLDER] [--skip-collect]";
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const round = (x: number) => Math.round(x * 100) / 100;
const load = () => loadavg().map((x) => round(x));

interface ChildRun {
  ms: number;
  peakRssMb: number;
  stdout: string;
}

/** Runs one of our scripts as `npm run` does (node with the tsx loader), timing it and reading its peak RSS (scripts/bench-rss.cjs). */
async function runScript(script: string, args: string[], env: Record<string, string>, rssDir: string): Promise<ChildRun> {
  rmSync(rssDir, { recursive: true, force: true });
  mkdirSync(rssDir, { recursive: true });
  const started = performance.now();
  const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, script), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env, BENCH_RSS_DIR: rssDir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "bench-rss.cjs")}`.trim() },
  });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const ms = Math.round(performance.now() - started);
  if (code !== 0) fail(`${script} ${args.join(" ")} failed (exit ${code}):\n${stdout.slice(-2000)}`);
  const peaks = readdirSync(rssDir).map((f) => (JSON.parse(readFileSync(path.join(rssDir, f), "utf8")) as { maxRssKb: number }).maxRssKb);
  if (peaks.length === 0) fail(`${script} reported no peak RSS (is scripts/bench-rss.cjs preloaded?)`);
  return { ms, peakRssMb: Math.round(Math.max(...peaks) / 1024), stdout };
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await run();
  return [out, Math.round(performance.now() - t)];
}

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

main(async () => {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        users: { type: "string" },
        days: { type: "string" },
        seed: { type: "string" },
        reseed: { type: "boolean" },
        dir: { type: "string" },
        "skip-collect": { type: "boolean" },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  const options = {
    users: wholeNumber("users", values.users, 5_000_000),
    days: wholeNumber("days", values.days, 28),
    seed: wholeNumber("seed", values.seed, 42),
  };
  emit({ measurement: "context", date: new Date().toISOString(), commit: commit(), cpus: cpus().length, load_avg: load(), node: process.version, ...options });

  // a 5M-user warehouse takes ~2 GB: --dir puts it elsewhere (another disk, /tmp)
  const dir = path.join(path.resolve(values.dir ?? path.join("data", "bench")), `u${options.users}-d${options.days}-s${options.seed}`);
  const file = path.join(dir, "warehouse.duckdb");
  const stamp = path.join(dir, "seed.json");
  const rssDir = path.join(dir, "rss");
  const env = { DUCKDB_PATH: file, DATABASE_URL: `file:${path.join(dir, "app.db")}`, WAREHOUSE: "duckdb" };
  const same = existsSync(file) && existsSync(stamp) && readFileSync(stamp, "utf8") === JSON.stringify(options);
  if (values.reseed || !same) {
    mkdirSync(dir, { recursive: true });
    rmSync(stamp, { force: true });
    // its own process, so that its peak RSS is the seed's alone
    const seed = await runScript("bench-seed.ts", [file, JSON.stringify(options)], env, rssDir);
    const counts = JSON.parse(seed.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
    emit({ measurement: "seed", users: counts.users, exposures: counts.exposures, events: counts.events, ms: seed.ms, peak_rss_mb: seed.peakRssMb, target_peak_rss_mb: 4000, load_avg: load() });
    writeFileSync(stamp, JSON.stringify(options));
  } else {
    emit({ measurement: "seed", reused: file, note: "seeded by an earlier run with the same parameters; --reseed measures the seed" });
  }

  // a fresh app database with the demo experiments, for the analysis CLI below
  for (const f of ["app.db", "app.db-wal", "app.db-shm", "app.db-journal"]) rmSync(path.join(dir, f), { force: true });
  Object.assign(process.env, env);
  resetConfig();
  const { migrate } = await import("@/lib/db/migrate");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  const { getExperiment } = await import("@/lib/analysis/store");
  const { planFor } = await import("@/lib/analysis/plan");
  const { analysisStatements, statementList } = await import("@/lib/analysis/statements");
  const { loadCatalog } = await import("@/lib/metrics/registry");
  await migrate();
  await registerDemoExperiments(options.days);
  const exp = await getExperiment(FLOOR_EXPERIMENT);
  if (!exp) fail(`the demo experiment ${FLOOR_EXPERIMENT} is missing`);
  const plan = planFor(exp, await loadCatalog());

  // in this process: DuckDB's bare pass over the events, the floor, and the analysis' statements one by one
  const end = demoEndDate(options.days);
  let floorRows: Record<string, unknown>[];
  let floorMs: number;
  const wh = await DuckDbWarehouse.open({ path: file });
  try {
    const bare = "SELECT event_name, count(*), sum(value) FROM events GROUP BY 1";
    await wh.query(bare); // warm the file cache for every measurement alike
    const [, bareMs] = await timed(() => wh.query(bare));
    emit({ measurement: "bare_pass", sql: bare, ms: bareMs });

    [floorRows, floorMs] = await timed(async () => (await wh.query(floorSql(), floorParams(DEMO_START, end))).rows);
    const settings = (await wh.query("SELECT current_setting('memory_limit') AS memory_limit, current_setting('threads') AS threads")).rows[0] ?? {};
    emit({
      measurement: "handwritten_aggregates",
      file: "scripts/bench-handwritten.sql",
      experiment: FLOOR_EXPERIMENT,
      ms: floorMs,
      rows: floorRows.length,
      ratio_to_bare_pass: round(floorMs / bareMs),
      duckdb: { memory_limit: settings.memory_limit, threads: settings.threads, default_memory_limit: DEFAULT_ANALYSIS_MEMORY_LIMIT },
    });

    // where the analysis' time goes (the CLI below runs the same statements)
    const statementMs: Record<string, number> = {};
    const statementRows: Record<string, number> = {};
    for (const s of statementList(analysisStatements(plan, wh.dialect))) {
      const [r, ms] = await timed(() => wh.query(s.sql, s.params));
      statementMs[s.name] = ms;
      statementRows[s.name] = r.rows.length;
    }
    emit({ measurement: "analysis_statements", experiment: FLOOR_EXPERIMENT, statement_ms: statementMs, statement_rows: statementRows, ratio_to_handwritten: round(Object.values(statementMs).reduce((a, b) => a + b, 0) / floorMs) });
  } finally {
    // the CLI needs the file: DuckDB lets one process open it
    await wh.close({ closeInstance: true });
  }

  // the whole analysis as a user runs it: `npm run analyze -- checkout-redesign`, its own process
  const cli = await runScript("analyze.ts", [FLOOR_EXPERIMENT], env, rssDir);
  const { prisma } = await import("@/lib/db");
  const snapshot = await prisma.snapshot.findFirstOrThrow({ where: { experimentId: FLOOR_EXPERIMENT, status: "succeeded" }, orderBy: { id: "desc" } });
  await prisma.$disconnect();
  const stats = JSON.parse(snapshot.sufficientStats!) as SufficientStats;
  const floorCheck = compareFloor(floorRows, stats);
  // the bound: variants × slices (all users + each segment value) × days
  const rowsBound = stats.variants.length * stats.slices.length * options.days;
  emit({
    measurement: "analysis",
    experiment: FLOOR_EXPERIMENT,
    users: options.users,
    metrics: stats.metrics.length,
    segments: plan.segments.length,
    ms: cli.ms,
    warehouse_ms: snapshot.durationMs,
    peak_rss_mb: cli.peakRssMb,
    target_peak_rss_mb: 2000,
    ratio_to_handwritten: round(cli.ms / floorMs),
    warehouse_ratio_to_handwritten: round((snapshot.durationMs ?? 0) / floorMs),
    target_ratio: 1.5,
    rows_returned: snapshot.rowCount,
    rows_bound: rowsBound,
    same_sums_as_handwritten: floorCheck.mismatches.length === 0,
    sums_compared: floorCheck.compared,
    ...(floorCheck.mismatches.length ? { mismatches: floorCheck.mismatches.slice(0, 10) } : {}),
    load_avg: load(),
  });
  rmSync(rssDir, { recursive: true, force: true });

  const engine = benchStats();
  emit({ measurement: "stats_engine", comparisons: engine.comparisons, ms: engine.ms, target_ms: 2000 });
  // issue 13: the collection endpoint's sustained rate against the built server
  if (!values["skip-collect"]) for (const row of await benchCollection()) emit(row);
});
