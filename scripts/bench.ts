import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { AnalysisPlan } from "@/lib/analysis/analysis-plan";
import { runEngine } from "@/lib/analysis/engine";
import { analysisStatements, statementList } from "@/lib/analysis/statements";
import type { AggregatesResult } from "@/lib/analysis/statements/aggregates";
import { mergeResults } from "@/lib/analysis/sufficient-stats";
import { DEFAULT_VIEW, toStatsRequest } from "@/lib/analysis/stats-request";
import { DEMO_START, demoEndDate } from "@/lib/demo/plan";
import { getMetric, loadCatalog } from "@/lib/metrics/registry";
import { DEFAULT_ANALYSIS_MEMORY_LIMIT, DuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { benchStats } from "./bench-stats";
import { benchCollection } from "./bench-collect";
import { fail, main, wholeNumber } from "./cli";

// `npm run bench`: one JSON object per measurement on stdout. Targets (issue 4): the whole analysis
// of a demo experiment (≥ 8 metrics, 2 segments) within 2× DuckDB's bare pass over events at 5M
// users, peak RSS ≤ 2 GB, rows returned ≤ variants × segments × days; the stats engine answers
// 20,000 comparisons in under 2 s.
// Each data size gets its own warehouse under data/bench/ (seeded once, reused while the parameters
// match). DuckDB runs with the adapter's settings (DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS).

const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const rssBytes = () => process.resourceUsage().maxRSS * 1024;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await run();
  return [out, Math.round(performance.now() - t)];
}

main(async () => {
  let values;
  try {
    ({ values } = parseArgs({ options: { users: { type: "string" }, days: { type: "string" }, seed: { type: "string" }, reseed: { type: "boolean" } } }));
  } catch (err) {
    fail(`${(err as Error).message}\nusage: npm run bench -- [--users N] [--days D] [--seed S] [--reseed]`, 2);
  }
  const options = {
    users: wholeNumber("users", values.users, 5_000_000),
    days: wholeNumber("days", values.days, 28),
    seed: wholeNumber("seed", values.seed, 42),
  };

  const dir = path.join(process.cwd(), "data", "bench", `u${options.users}-d${options.days}-s${options.seed}`);
  const file = path.join(dir, "warehouse.duckdb");
  const stamp = path.join(dir, "seed.json");
  const same = existsSync(file) && existsSync(stamp) && readFileSync(stamp, "utf8") === JSON.stringify(options);
  if (values.reseed || !same) {
    mkdirSync(dir, { recursive: true });
    const child = spawnSync(process.execPath, [...process.execArgv, path.join(__dirname, "bench-seed.ts"), file, JSON.stringify(options)], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (child.status !== 0) fail(`seeding the bench warehouse failed (${child.error?.message ?? `exit ${child.status ?? child.signal}`})`);
    writeFileSync(stamp, JSON.stringify(options));
  }

  const wh = await DuckDbWarehouse.open({ path: file });
  try {
    const bare = "SELECT event_name, count(*), sum(value) FROM events GROUP BY 1";
    await wh.query(bare); // warm the file cache for both measurements alike
    const [, bareMs] = await timed(() => wh.query(bare));

    const catalog = await loadCatalog();
    // the nine metrics of the events log this bench has always measured, for comparable numbers
    const keys = ["sessions", "feed_views", "searches", "shares", "active_days", "add_to_cart", "purchases", "revenue", "signups"];
    const plan: AnalysisPlan = {
      experimentKey: "checkout-redesign",
      exposureTable: "exposures",
      variants: ["control", "treatment"],
      startDate: DEMO_START,
      endDate: demoEndDate(options.days),
      windowDays: null,
      metrics: keys.map((k) => getMetric(catalog, k)),
      catalog,
      covariateLookbackDays: 14,
      segments: ["platform", "country"],
      segmentLimit: 8,
    };
    const planned = analysisStatements(plan, wh.dialect);
    const statements = statementList(planned);
    let rows = 0;
    const perStatement: Record<string, number> = {};
    const rowsPerStatement: Record<string, number> = {};
    const cpuBefore = cpuMs();
    const [, analysisMs] = await timed(async () => {
      for (const s of statements) {
        const [r, ms] = await timed(() => wh.query(s.sql, s.params));
        perStatement[s.name] = ms;
        rowsPerStatement[s.name] = r.rows.length;
        rows += r.rows.length;
        if (s === planned.aggregates) {
          const suff = mergeResults({
            metrics: plan.metrics, variants: [{ key: "control", weight: 1 }, { key: "treatment", weight: 1 }], control: "control",
            segments: plan.segments, covariates: true, aggregates: s.decode(r.rows) as AggregatesResult, quantiles: [],
          });
          for (const slice of suff.slices) runEngine(toStatsRequest(suff, slice, "control", DEFAULT_VIEW));
        }
      }
    });
    const analysisCpuMs = Math.round(cpuMs() - cpuBefore);
    const aggregatesMs = perStatement.aggregates ?? 0;
    // the issue's bound: variants × segment slices (all users + each value, top N + "other" per dimension) × days
    const slices = 1 + plan.segments.length * (plan.segmentLimit + 1);
    const maxRows = plan.variants.length * slices * options.days;
    const settings = (await wh.query("SELECT current_setting('memory_limit') AS memory_limit, current_setting('threads') AS threads")).rows[0] ?? {};
    emit({ measurement: "bare_pass", sql: bare, ms: bareMs });
    emit({
      measurement: "analysis",
      experiment: plan.experimentKey,
      users: options.users,
      metrics: plan.metrics.length,
      segments: plan.segments.length,
      statements: statements.length,
      ms: analysisMs,
      statement_ms: perStatement,
      cpu_ms: analysisCpuMs,
      aggregates_statement_ms: aggregatesMs,
      ratio_to_bare_pass: Math.round((analysisMs / bareMs) * 100) / 100,
      aggregates_ratio_to_bare_pass: Math.round((aggregatesMs / bareMs) * 100) / 100,
      target_ratio: 2,
      rows_returned: rows,
      statement_rows: rowsPerStatement,
      rows_bound: maxRows,
      duckdb: { memory_limit: settings.memory_limit, threads: settings.threads, default_memory_limit: DEFAULT_ANALYSIS_MEMORY_LIMIT },
    });
    // the analysis' high-water mark: taken before the stats-engine benchmark below allocates its own
    emit({ measurement: "peak_rss", bytes: rssBytes(), mb: Math.round(rssBytes() / 1e6), target_mb: 2000 });
  } finally {
    await wh.close();
  }
  const stats = benchStats();
  emit({ measurement: "stats_engine", comparisons: stats.comparisons, ms: stats.ms, target_ms: 2000 });
  // issue 13: the collection endpoint's sustained rate against the built server
  for (const row of await benchCollection()) emit(row);
});
