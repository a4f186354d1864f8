import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../../support/temp-env";

// A running experiment that nobody has been exposed to yet (the demo's running experiment before
// `npm run simulate`; the scheduler analyses it at once) is waiting for its first exposures, not
// failing: the list, the JSON API and the command line say so through the one status function. A
// draft whose analysis found nobody still reads as a failed analysis. And `npm run demo` refreshes
// the running experiment only once an analysis of it succeeded: a failed one does not count.

const env = useTempEnvironment("waiting");
let readKey: string;
const DRAFT = "draft-nobody";

const routeCtx = <P>(p: P) => ({ params: Promise.resolve(p) });

async function getJson(url: string, handler: (req: Request, ctx: never) => Promise<Response>, ctx?: unknown): Promise<Record<string, unknown>> {
  const res = await handler(new Request(`http://app.test${url}`, { headers: { authorization: `Bearer ${readKey}` } }), ctx as never);
  expect(res.status, url).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerRunningDemo } = await import("@/lib/demo/running");
  const { saveExperiment } = await import("@/lib/analysis/store");
  const { createApiKey } = await import("@/lib/auth/api-keys");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 1000, days: 7, seed: 11 });
  await registerRunningDemo();
  await saveExperiment({
    id: DRAFT,
    name: "Draft nobody",
    hypothesis: "",
    owner: "qa",
    status: "draft",
    startDate: "2026-10-01",
    endDate: "2026-10-07",
    controlVariant: "control",
    variants: [
      { key: "control", name: "Control", weight: 1 },
      { key: "treatment", name: "Treatment", weight: 1 },
    ],
    metrics: [{ key: "purchases", role: "primary" }],
  });
  readKey = (await createApiKey({ name: "dash", scope: "read" }, null)).key;
});
afterAll(() => env.cleanup());

describe("a running experiment nobody has been exposed to yet", () => {
  it("is analysed, and its analysis fails for want of exposures", async () => {
    const { runAnalysis, NO_EXPOSURES_PREFIX } = await import("@/lib/analysis/run-analysis");
    const { RUNNING_DEMO } = await import("@/lib/demo/running");
    for (const id of [RUNNING_DEMO.id, DRAFT]) {
      const s = await runAnalysis(id);
      expect(s.status, id).toBe("failed");
      expect(s.error!.startsWith(NO_EXPOSURES_PREFIX), s.error!).toBe(true);
    }
  });

  it("the list shows it waiting for exposures, without a 'last run failed' badge; the draft as a failed analysis", async () => {
    const { listOverview } = await import("@/lib/ui/experiment-list");
    const { RUNNING_DEMO } = await import("@/lib/demo/running");
    const list = await listOverview();
    const running = list.find((e) => e.id === RUNNING_DEMO.id)!;
    expect(running.decision).toMatchObject({ status: "waiting", title: "Waiting for exposures", headline: `No exposures for “${RUNNING_DEMO.id}” yet` });
    expect(running.decision.reasons).toEqual([expect.stringContaining(`the exposure table “exposures” holds no users with experiment_id “${RUNNING_DEMO.id}”`)]);
    expect(running.lastRunStatus).toBe("failed");
    expect(running.lastRunFailed).toBe(false);
    const draft = list.find((e) => e.id === DRAFT)!;
    expect(draft.decision).toMatchObject({ status: "not-analysed", title: "No results yet", headline: "The latest analysis found nobody" });
    expect(draft.decision.reasons[0]).toContain(`with experiment_id “${DRAFT}”`);
    expect(draft.lastRunFailed).toBe(true);
  });

  it("the JSON API: the list filters by the waiting status, and the results carry it as the decision", async () => {
    const { RUNNING_DEMO } = await import("@/lib/demo/running");
    const list = await import("@/app/api/experiments/route");
    const waiting = (await getJson("/api/experiments?status=waiting", list.GET)) as { experiments: { id: string }[]; filters: { status: string } };
    expect(waiting.filters.status).toBe("waiting");
    expect(waiting.experiments.map((e) => e.id)).toEqual([RUNNING_DEMO.id]);
    const results = await import("@/app/api/experiments/[id]/results/route");
    const doc = (await getJson(`/api/experiments/${RUNNING_DEMO.id}/results`, results.GET, routeCtx({ id: RUNNING_DEMO.id }))) as {
      decision: { status: string; reasons: { tone: string; text: string }[] };
      lastFailure: { error: string };
    };
    expect(doc.decision.status).toBe("waiting");
    expect(doc.decision.reasons.map((r) => r.tone)).toEqual(["neutral"]);
    expect(doc.lastFailure.error.startsWith("no exposed users")).toBe(true);
  });

  it("the command line's summary says it too", async () => {
    const { RUNNING_DEMO } = await import("@/lib/demo/running");
    const { getExperiment } = await import("@/lib/analysis/store");
    const { loadResultsDocument } = await import("@/lib/analysis/results-document");
    const { formatResultsTable } = await import("@/lib/ui/format-text");
    const text = formatResultsTable(await loadResultsDocument((await getExperiment(RUNNING_DEMO.id))!));
    expect(text).toContain("decision: Waiting for exposures");
    expect(text).toContain("It is analysed again on its schedule");
  });
});

describe("hasSucceededSnapshot (npm run demo refreshes the running experiment only once an analysis of it succeeded)", () => {
  it("a failed run does not count, a succeeded one does, and a failure after it does not take it back", async () => {
    const { RUNNING_DEMO } = await import("@/lib/demo/running");
    const { countSnapshots, hasSucceededSnapshot } = await import("@/lib/analysis/store");
    const { prisma } = await import("@/lib/db");
    const id = RUNNING_DEMO.id;
    // the failed run of the test above: a snapshot, but no results
    expect(await countSnapshots(id)).toBe(1);
    expect(await hasSucceededSnapshot(id)).toBe(false);
    // another experiment's success is not this one's
    await prisma.snapshot.create({ data: { experimentId: DRAFT, status: "succeeded", warehouse: "duckdb", number: 2 } });
    expect(await hasSucceededSnapshot(id)).toBe(false);
    // cancelled runs do not count either
    await prisma.snapshot.create({ data: { experimentId: id, status: "cancelled", warehouse: "duckdb", number: 2 } });
    expect(await hasSucceededSnapshot(id)).toBe(false);
    await prisma.snapshot.create({ data: { experimentId: id, status: "succeeded", warehouse: "duckdb", number: 3 } });
    expect(await hasSucceededSnapshot(id)).toBe(true);
    await prisma.snapshot.create({ data: { experimentId: id, status: "failed", warehouse: "duckdb", number: 4, error: "no exposed users: …" } });
    expect(await hasSucceededSnapshot(id)).toBe(true);
  });
});
