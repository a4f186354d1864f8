import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../support/temp-env";

const env = useTempEnvironment("snapshots");

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 3000, days: 14, seed: 3 });
  await registerDemoExperiments(14);
});
afterAll(() => env.cleanup());

describe("snapshots", () => {
  it("a failed analysis stores the warehouse's message and the last good snapshot stays shown", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { getExperiment } = await import("@/lib/analysis/experiments");
    const { loadResultsDocument } = await import("@/lib/analysis/results-document");
    const { prisma } = await import("@/lib/db");

    const good = await runAnalysis("checkout-redesign");
    expect(good.status).toBe("succeeded");
    // aggregates: 2 variants × (3 platforms × 9 countries × 3 user types) cells at most; series: 2 modes × 2 variants × 14 days
    expect(good.rowCount).toBeGreaterThan(2);
    expect(good.rowCount).toBeLessThanOrEqual(2 * 3 * 9 * 3 + 2 * 2 * 14);
    expect(good.sql).toContain("first_exposure");
    const params = JSON.parse(good.parameters) as { statement: string; params: Record<string, unknown> }[];
    expect(params.map((p) => p.statement)).toEqual(["aggregates", "timeseries"]);
    for (const p of params) expect(p.params).toMatchObject({ experiment_key: "checkout-redesign", start_date: "2026-10-01" });

    // Break the experiment's source the way an analyst might: a table that does not exist.
    await prisma.experiment.update({ where: { id: "checkout-redesign" }, data: { exposureSource: "exposures_v2" } });
    const bad = await runAnalysis("checkout-redesign");
    expect(bad.status).toBe("failed");
    expect(bad.error).toMatch(/exposures_v2/);
    expect(bad.error).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(bad.results).toBeNull();

    const doc = await loadResultsDocument((await getExperiment("checkout-redesign"))!);
    expect(doc.snapshot?.id).toBe(good.id);
    expect(doc.lastFailure?.id).toBe(bad.id);
    expect(doc.lastFailure?.error).toMatch(/exposures_v2/);
    expect(doc.metrics.length).toBeGreaterThan(0);

    // the good snapshot is untouched
    const again = await prisma.snapshot.findUnique({ where: { id: good.id } });
    expect(again?.results).toBe(good.results);
    expect(again?.status).toBe("succeeded");
  });

  it("an experiment naming an unregistered metric fails with a clear message", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    await prisma.experimentMetric.create({ data: { experimentId: "button-color-aa", metricKey: "no_such_metric", role: "secondary" } });
    const s = await runAnalysis("button-color-aa");
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/unknown metric "no_such_metric"/);
  });

  it("the results view is recomputed from stored statistics: alpha changes the interval, not the estimate", async () => {
    const { getExperiment } = await import("@/lib/analysis/experiments");
    const { loadResultsDocument } = await import("@/lib/analysis/results-document");
    const exp = (await getExperiment("checkout-redesign"))!;
    const base = { correction: "none" as const, sequential: false, cuped: false };
    const a = await loadResultsDocument(exp, { ...base, alpha: 0.05 });
    const b = await loadResultsDocument(exp, { ...base, alpha: 0.2 });
    const va = a.metrics[0]!.variants[1]!;
    const vb = b.metrics[0]!.variants[1]!;
    expect(vb.relative!.estimate).toBeCloseTo(va.relative!.estimate!, 12);
    expect(vb.relative!.ciHigh! - vb.relative!.ciLow!).toBeLessThan(va.relative!.ciHigh! - va.relative!.ciLow!);
  });

  it("refuses a second concurrent analysis, and marks a run whose heartbeat stopped as failed", async () => {
    const { runAnalysis, AnalysisInProgressError } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    // an active run of another machine with a fresh heartbeat: alive as far as anyone here can tell
    const live = await prisma.snapshot.create({
      data: { experimentId: "feed-autoplay", activeExperimentId: "feed-autoplay", status: "running", warehouse: "duckdb", ownerHost: "elsewhere", ownerPid: 1, heartbeatAt: new Date() },
    });
    await expect(runAnalysis("feed-autoplay")).rejects.toBeInstanceOf(AnalysisInProgressError);

    // its heartbeat stops: older than the lease (RUN_LEASE_MS, 60 s by default)
    await prisma.snapshot.update({ where: { id: live.id }, data: { heartbeatAt: new Date(Date.now() - 61_000) } });
    const next = await runAnalysis("feed-autoplay");
    expect(next.status).toBe("succeeded");
    expect(next.activeExperimentId).toBeNull();
    const abandoned = await prisma.snapshot.findUnique({ where: { id: live.id } });
    expect(abandoned?.status).toBe("failed");
    expect(abandoned?.error).toMatch(/interrupted/);
    expect(abandoned?.activeExperimentId).toBeNull();
  });
});
