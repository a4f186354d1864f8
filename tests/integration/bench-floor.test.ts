import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SufficientStats } from "@/lib/analysis/sufficient-stats";
import { compareFloor, FLOOR_EXPERIMENT, floorParams, floorSql } from "../../scripts/bench-floor";
import { useTempEnvironment } from "../support/temp-env";

// The bench's ratio compares the analysis with a hand-written statement (scripts/bench-handwritten.sql);
// that is only a floor if it computes the same sums. Checked here on a small seeded warehouse,
// for every slice, variant, metric and sum the analysis stores.

const env = useTempEnvironment("bench-floor");
const DAYS = 21;
let stats: SufficientStats;
let rows: Record<string, unknown>[];

beforeAll(async () => {
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  const { migrate } = await import("@/lib/db/migrate");
  const { DEMO_START, demoEndDate } = await import("@/lib/demo/plan");
  await seedWarehouse(env.warehouse, { users: 4000, days: DAYS, seed: 9 });
  await migrate();
  await registerDemoExperiments(DAYS);
  const { runAnalysis } = await import("@/lib/analysis/run-analysis");
  const snapshot = await runAnalysis(FLOOR_EXPERIMENT);
  expect(snapshot.status).toBe("succeeded");
  stats = JSON.parse(snapshot.sufficientStats!) as SufficientStats;
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  const wh = await DuckDbWarehouse.open({ path: env.warehouse });
  try {
    rows = (await wh.query(floorSql(), floorParams(DEMO_START, demoEndDate(DAYS)))).rows;
  } finally {
    await wh.close();
  }
});

afterAll(async () => {
  const { prisma } = await import("@/lib/db");
  await prisma.$disconnect();
  await env.cleanup();
});

describe("the bench's hand-written floor", () => {
  it("gives the sums the analysis stores, in every slice", () => {
    // all users, 3 platforms, 7 countries, new and existing users: 13 slices × 2 variants × (1 + 5 metrics × 6 sums)
    expect(stats.slices.length).toBeGreaterThanOrEqual(12);
    const c = compareFloor(rows, stats);
    expect(c.mismatches).toEqual([]);
    expect(c.compared).toBe(stats.slices.length * 2 * 31);
    // the numbers compared are not trivially zero
    const all = stats.slices[0]!;
    expect(all.users.control).toBeGreaterThan(500);
    const revenue = all.metrics.find((m) => m.key === "revenue")!;
    expect(revenue.type === "mean" && revenue.data.control!.covariate!.sum).toBeGreaterThan(0);
  });

  it("notices a sum that differs", () => {
    const changed = rows.map((r, i) => (i === 0 ? { ...r, revenue_xysum: Number(r.revenue_xysum) + 0.01 } : r));
    const c = compareFloor(changed, stats);
    // the changed cell counts in all users and in one slice per segment dimension
    expect(c.mismatches).toHaveLength(4);
    expect(c.mismatches.every((m) => m.includes("revenue.covariate.sumProduct"))).toBe(true);
  });
});
