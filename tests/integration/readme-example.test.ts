import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../support/temp-env";

// The README's "Adding a metric" runs as written: every metric file it shows loads next to the
// repository's metrics, and the commands it shows succeed on a seeded demo warehouse.

const env = useTempEnvironment("readme");
const metricsDir = path.join(env.dir, "metrics");
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
const readme = readFileSync(path.join(process.cwd(), "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Adding a metric"), readme.indexOf("\n## ", readme.indexOf("## Adding a metric") + 3));
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^ {2,3}/gm, ""));
const commands = [...section.matchAll(/`npm run (metric:check|analyze) -- ([^`]+)`/g)].map((m) => ({ script: m[1]!, args: m[2]!.trim().split(/\s+/) }));

function run(script: string, args: string[]) {
  const file = script === "analyze" ? "analyze.ts" : "metric-check.ts";
  const r = spawnSync(tsx, [path.join("scripts", file), ...args], { env: { ...process.env, METRICS_DIR: metricsDir }, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  cpSync(path.join(process.cwd(), "metrics"), metricsDir, { recursive: true });
  mkdirSync(path.join(metricsDir, "readme"), { recursive: true });
  blocks.forEach((code, i) => {
    const imports = code.includes("import ") ? "" : 'import { defineEventMetric, defineRatioMetric, defineSource } from "@/lib/metrics/define";\n';
    writeFileSync(path.join(metricsDir, "readme", `example-${i}.ts`), imports + code);
  });
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 3000, days: 28, seed: 9 });
  await registerDemoExperiments(28);
}, 120_000);
afterAll(() => env.cleanup());

describe("README: Adding a metric", () => {
  it("shows a file for each kind, and every one loads beside the repository's metrics", async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const { loadCatalog } = await import("@/lib/metrics/loader");
    const catalog = await loadCatalog(metricsDir);
    expect(catalog.problems).toEqual([]);
    const kinds = new Set(
      [...catalog.metrics.values()].filter((m) => catalog.files.get(m.key)?.includes("/readme/")).map((m) => (m.kind === "events" ? `${m.statistic}${m.window ? "+window" : ""}${m.where ? "+where" : ""}` : m.kind)),
    );
    for (const k of ["mean+where", "proportion", "proportion+window", "ratio", "quantile"]) expect(kinds).toContain(k);
    expect(catalog.sources.has("refunds")).toBe(true);
  });

  it("its commands run as written", () => {
    expect(commands.map((c) => c.script)).toEqual(["metric:check", "analyze"]);
    for (const c of commands) {
      const r = run(c.script, c.args);
      expect(r.code, `${c.script} ${c.args.join(" ")}: ${r.stderr}`).toBe(0);
      if (c.script === "metric:check") expect(r.stdout).toMatch(/OK: one row per user/);
      else expect(r.stdout).toMatch(/Coupon orders per user/);
    }
  });

  it("every example metric on the demo's tables passes metric:check", () => {
    for (const key of ["searchers", "ios_big_orders", "d14_retained", "cart_within_72h", "revenue_per_session", "basket_p50"]) {
      const r = run("metric:check", [key]);
      expect(r.code, `${key}: ${r.stdout}${r.stderr}`).toBe(0);
    }
  });
});
