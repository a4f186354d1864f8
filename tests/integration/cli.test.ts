import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../support/temp-env";

// The command-line interfaces of ARCHITECTURE.md, run as a user runs them (the npm scripts' targets).
const env = useTempEnvironment("cli");
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");

function run(script: string, args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(tsx, [path.join("scripts", script), ...args], {
    env: { ...process.env, ...extraEnv },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const seeded = run("seed.ts", ["--users", "3000", "--days", "21", "--seed", "5"]);
  expect(seeded.code, seeded.stderr).toBe(0);
  expect(seeded.stdout).toMatch(/Registered 7 demo experiments: .*free-shipping-banner/); // six analysed ones and the running one
}, 120_000);
afterAll(() => env.cleanup());

describe("npm run seed", () => {
  it("rejects a bad argument with a one-line message and exit code 2", () => {
    const r = run("seed.ts", ["--users", "many"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('--users must be a whole number (got "many")');
  });
});

describe("npm run analyze", () => {
  it("--list prints the experiment ids, one a line", () => {
    const r = run("analyze.ts", ["--list"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual(
      ["button-color-aa", "checkout-redesign", "checkout-upsell", "feed-autoplay", "free-shipping-banner", "onboarding-three-arm", "pricing-banner-srm"],
    );
  });

  it("--sql prints every statement, each followed by a ';' line, and runs nothing", async () => {
    const { prisma } = await import("@/lib/db");
    const before = await prisma.snapshot.count();
    for (const dialect of ["duckdb", "bigquery"]) {
      const r = run("analyze.ts", ["checkout-redesign", "--sql", "--dialect", dialect], { BIGQUERY_PROJECT: "acme", BIGQUERY_DATASET: "product" });
      expect(r.code, r.stderr).toBe(0);
      const statements = r.stdout.split(/^;$/m).map((s) => s.trim()).filter(Boolean);
      expect(statements).toHaveLength(3); // aggregates, the time series on both axes, and the traffic per day
      for (const s of statements) expect(s).toMatch(/SELECT/);
      if (dialect === "bigquery") {
        expect(r.stdout).toContain("`acme.product.events`");
        expect(r.stdout).toMatch(/@experiment_key/);
        expect(r.stdout).not.toMatch(/\$experiment_key/);
      } else {
        expect(r.stdout).toMatch(/\$experiment_key/);
      }
    }
    expect(await prisma.snapshot.count()).toBe(before);
  });

  it("analyses and --json prints the results document", () => {
    const r = run("analyze.ts", ["checkout-redesign", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.experiment.id).toBe("checkout-redesign");
    expect(doc.snapshot.status).toBe("succeeded");
    expect(doc.metrics.map((m: { key: string }) => m.key)).toEqual(["purchases", "revenue", "add_to_cart", "sessions", "d7_retained"]);
    expect(doc.users).toHaveLength(2);
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
  });

  it("--metrics analyses those registered metrics instead of the experiment's, and stores nothing without --save", async () => {
    const { prisma } = await import("@/lib/db");
    const before = await prisma.snapshot.count();
    const r = run("analyze.ts", ["checkout-redesign", "--metrics", "aov,d7_retained,order_value_p90", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.metrics.map((m: { key: string; statistic: string }) => `${m.key}:${m.statistic}`)).toEqual(["aov:ratio", "d7_retained:proportion", "order_value_p90:quantile"]);
    expect(doc.snapshot.id).toBeNull();
    expect(doc.metrics[0].variants[1].relative.ciLow).toEqual(expect.any(Number));
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
    expect(await prisma.snapshot.count()).toBe(before);

    const saved = run("analyze.ts", ["checkout-redesign", "--metrics", "aov", "--save", "--json"]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(saved.stdout).metrics.map((m: { key: string }) => m.key)).toEqual(["aov"]);
    expect(await prisma.snapshot.count()).toBe(before + 1);
  });

  it("--metrics with an unknown key is a clear error with exit code 2", () => {
    const r = run("analyze.ts", ["checkout-redesign", "--metrics", "aov,no_such"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown metric "no_such"; registered: .*aov/);
  });

  it("an unknown id is a clear error with exit code 2", () => {
    const r = run("analyze.ts", ["nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no experiment with id "nope"/);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it("a failed analysis is one line naming the snapshot, even when the warehouse's message has several", async () => {
    const { createClient } = await import("@libsql/client");
    const { databaseProvider } = await import("@/lib/db/config");
    if (databaseProvider(env.database) !== "sqlite") return; // the row is changed with SQLite's client here
    const db = createClient({ url: env.database });
    await db.execute(`UPDATE "Experiment" SET "exposureSource" = 'missing_exposures' WHERE id = 'button-color-aa'`);
    try {
      const r = run("analyze.ts", ["button-color-aa"]);
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("npm warn"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^analysis failed \(snapshot #\d+\): Catalog Error: .*missing_exposures.* LINE \d+:/);
    } finally {
      await db.execute(`UPDATE "Experiment" SET "exposureSource" = 'exposures' WHERE id = 'button-color-aa'`);
      db.close();
    }
  });
});

describe("npm run metric:check", () => {
  it("verifies a registered metric's contract", () => {
    const r = run("metric-check.ts", ["active_days"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OK: one row per user/);
    expect(r.stdout).toMatch(/metric active_days \(declarative, source events\)/);
  });

  it("checks a ratio through its parts", () => {
    const r = run("metric-check.ts", ["aov"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/metric aov \(ratio, source orders \/ orders\)/);
    expect(r.stdout).toMatch(/metric order_revenue \(declarative, source orders\)/);
  });

  it("names an unknown metric and lists the registered ones", () => {
    const r = run("metric-check.ts", ["no_such_metric"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown metric "no_such_metric"; registered: .*purchases/);
  });
});

describe("npm run stats", () => {
  it("is a filter: stdout is exactly the JSON answer (no npm banner)", () => {
    const request = {
      variants: [{ id: "control", weight: 1, users: 10000 }, { id: "treatment", weight: 1, users: 10050 }],
      metrics: [{ key: "orders", type: "proportion", data: { control: { n: 10000, sum: 1000 }, treatment: { n: 10050, sum: 1100 } } }],
    };
    const r = spawnSync("npm", ["run", "stats"], { input: JSON.stringify(request), encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.metrics[0].variants[1].id).toBe("treatment");
    expect(answer.srm.mismatch).toBe(false);
  });

  it("bad input: exit code 2 and one line on stderr naming the field", () => {
    const r = spawnSync("npm", ["run", "stats"], { input: '{"alpha": 2, "variants": [], "metrics": []}', encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/alpha/);
  });
});

