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
    // aggregates: 2 variants × (3 platforms × 9 countries × 3 user types) × 2 placebo halves cells at most;
    // series: 2 modes × 2 variants × 14 days; traffic: 2 variants × 14 days
    expect(good.rowCount).toBeGreaterThan(2);
    expect(good.rowCount).toBeLessThanOrEqual(2 * 3 * 9 * 3 * 2 + 2 * 2 * 14 + 2 * 14);
    expect(good.sql).toContain("first_exposure");
    const params = JSON.parse(good.parameters) as { statement: string; params: Record<string, unknown> }[];
    expect(params.map((p) => p.statement)).toEqual(["aggregates", "timeseries", "traffic"]);
    for (const p of params) expect(p.params).toMatchObject({ experiment_key: "checkout-redesign", start_date: "2026-10-01" });

    // Break the experiment's source the way an analyst might: a table that does not exist.
    await prisma.experiment.update({ where: { id: "checkout-redesign" }, data: { exposureSource: "exposures_v2" } });
    const bad = await runAnalysis("checkout-redesign");
    expect(bad.status).toBe("failed");
    expect(bad.error).toMatch(/exposures_v2/);
    expect(bad.error).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(bad.sufficientStats).toBeNull();

    const doc = await loadResultsDocument((await getExperiment("checkout-redesign"))!);
    expect(doc.snapshot?.id).toBe(good.id);
    expect(doc.lastFailure?.id).toBe(bad.id);
    expect(doc.lastFailure?.error).toMatch(/exposures_v2/);
    expect(doc.metrics.length).toBeGreaterThan(0);

    // the good snapshot is untouched
    const again = await prisma.snapshot.findUnique({ where: { id: good.id } });
    expect(again?.sufficientStats).toBe(good.sufficientStats);
    expect(again?.status).toBe("succeeded");
  });

  it("one source of truth: every number comes from the stored sums, with the control of the analysis even after the experiment's control is edited", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { getExperiment } = await import("@/lib/analysis/store");
    const { loadResultsDocument } = await import("@/lib/analysis/results-document");
    const { listOverview } = await import("@/lib/ui/experiment-list");
    const { prisma } = await import("@/lib/db");
    const s = await runAnalysis("onboarding-three-arm");
    expect(s.status).toBe("succeeded");
    const stored = JSON.parse(s.sufficientStats!);
    expect(stored.version).toBe(3);
    expect(stored.control).toBe("control");
    expect(stored.metrics.map((m: { key: string; type: string }) => `${m.key}:${m.type}`)).toEqual(["signups:proportion", "shares:proportion", "sessions:mean"]);
    const before = await loadResultsDocument((await getExperiment("onboarding-three-arm"))!);

    // someone edits the control afterwards: the snapshot's numbers must not change meaning
    await prisma.experiment.update({ where: { id: "onboarding-three-arm" }, data: { controlVariant: "short" } });
    const after = await loadResultsDocument((await getExperiment("onboarding-three-arm"))!);
    expect(after.experiment.controlVariant).toBe("control");
    expect(after.metrics).toEqual(before.metrics);
    // and the list shows the very numbers the page shows: its best arm on the primary metric, and the status
    const line = (await listOverview()).find((o) => o.id === "onboarding-three-arm")!;
    const signups = after.metrics.find((m) => m.key === "signups")!.variants.filter((v) => v.id !== "control");
    const best = [...signups].sort((a, b) => b.relative!.estimate! - a.relative!.estimate!)[0]!;
    expect(line.bestArm?.variantKey).toBe(best.id);
    expect(line.bestArm?.estimate).toBe(best.relative?.estimate);
    const { decide } = await import("@/lib/ui/decision");
    expect(line.decision.title).toBe(decide(after).title);
    await prisma.experiment.update({ where: { id: "onboarding-three-arm" }, data: { controlVariant: "control" } });
  });

  it("snapshots stored before version 3 (both per-user sums, no definitions) are still read", async () => {
    const { buildResultsDocument, metricDescriber } = await import("@/lib/analysis/results-document");
    const { getExperiment } = await import("@/lib/analysis/store");
    const { prisma } = await import("@/lib/db");
    const v2 = {
      version: 2,
      excludedUsers: 3,
      variants: [{ key: "control", weight: 1 }, { key: "treatment", weight: 1 }],
      slices: [{
        id: "all", dimension: "all", value: "all", users: { control: 1000, treatment: 1000 },
        metrics: [{ key: "purchases", statistic: "proportion", data: {
          control: { n: { sum: 130, sumSquares: 190 }, pct: { sum: 100 } },
          treatment: { n: { sum: 150, sumSquares: 220 }, pct: { sum: 120 } },
        } }],
      }],
    };
    const row = await prisma.snapshot.create({ data: { experimentId: "checkout-redesign", status: "succeeded", warehouse: "duckdb", sufficientStats: JSON.stringify(v2), finishedAt: new Date() } });
    const doc = buildResultsDocument((await getExperiment("checkout-redesign"))!, row, row, undefined, "all", await metricDescriber());
    const m = doc.metrics[0]!;
    expect(m.name).toBe("Purchase conversion"); // named from the current definitions
    expect(m.variants.map((v) => v.mean)).toEqual([0.1, 0.12]); // the proportion from pct, not the counts
    await prisma.snapshot.delete({ where: { id: row.id } });
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
