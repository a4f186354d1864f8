import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPostgresDatabase } from "../support/postgres-database";
import { useTempEnvironment } from "../support/temp-env";

// Issue 12: an analysis that finds nobody fails loudly; snapshots are numbered per experiment;
// decisions are recorded with who and when; experiments are archived, or deleted with their
// snapshots; the exposure preview tells the form what the warehouse holds.

const env = useTempEnvironment("lifecycle");

// The server actions read their caller from the request's headers (next/headers); here they are
// the headers of a request that carries a write key (an editor), or none at all (a visitor).
const request = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", () => ({ headers: async () => request.headers }));

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 2000, days: 14, seed: 5 });
  await registerDemoExperiments(14);
  const { createApiKey } = await import("@/lib/auth/api-keys");
  const { key } = await createApiKey({ name: "lifecycle", scope: "write", origins: [] }, null);
  request.headers = new Headers({ authorization: `Bearer ${key}` });
});
afterAll(() => env.cleanup());

async function newExperiment(id: string, overrides: Record<string, unknown> = {}) {
  const { saveExperiment } = await import("@/lib/analysis/experiments");
  await saveExperiment({
    id,
    name: id,
    hypothesis: "",
    owner: "qa",
    status: "running",
    startDate: "2026-10-01",
    endDate: "2026-10-14",
    controlVariant: "control",
    variants: [
      { key: "control", name: "Control", weight: 1 },
      { key: "treatment", name: "Treatment", weight: 1 },
    ],
    metrics: [{ key: "purchases", role: "primary" }],
    ...overrides,
  });
}

describe("an analysis that finds no exposed users", () => {
  it("is a failed snapshot whose message names the exposure key and the dates", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    // the form's defaults: the exposure key is the new id, which nothing has logged
    await newExperiment("brand-new-test");
    const s = await runAnalysis("brand-new-test");
    expect(s.status).toBe("failed");
    expect(s.error).toContain('experiment_id "brand-new-test"');
    expect(s.error).toContain("between 2026-10-01 and 2026-10-14");
    expect(s.error).toContain('table "exposures"');
    expect(s.error).toContain('variant "control" or "treatment"');
    expect(s.sufficientStats).toBeNull();
    expect(s.activeExperimentId).toBeNull();

    // a key that exists but a variant key that was never logged: users in one variant only is
    // not a silent success either: the split fails its SRM check, and the status says so
    await newExperiment("wrong-variants", { exposureKey: "checkout-redesign", variants: [{ key: "control", name: "C", weight: 1 }, { key: "new_flow", name: "New flow", weight: 1 }] });
    expect((await runAnalysis("wrong-variants")).status).toBe("succeeded");
    const { loadResultsDocument } = await import("@/lib/analysis/results-document");
    const { getExperiment } = await import("@/lib/analysis/store");
    const { decide } = await import("@/lib/ui/decision");
    const d = decide(await loadResultsDocument((await getExperiment("wrong-variants"))!));
    expect(d.status).toBe("unreliable");
    expect(d.reasons[0]!.text).toMatch(/^Sample ratio mismatch: C 100\.0% \(planned 50\.0%\), New flow 0\.0% \(planned 50\.0%\)/);
  });
});

describe("snapshot numbers", () => {
  it("count per experiment: #1, #2 … whatever other experiments ran in between", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { getSnapshotByNumber } = await import("@/lib/analysis/store");
    const a1 = await runAnalysis("checkout-redesign");
    const b1 = await runAnalysis("feed-autoplay");
    const a2 = await runAnalysis("checkout-redesign");
    expect([a1.number, a2.number]).toEqual([1, 2]);
    expect(b1.number).toBe(1);
    expect(a2.id).toBeGreaterThan(b1.id);
    expect((await getSnapshotByNumber("checkout-redesign", 2))?.id).toBe(a2.id);
    expect(await getSnapshotByNumber("checkout-redesign", 3)).toBeNull();
  });

  it("the migration numbers existing snapshots per experiment in the order they were claimed", async () => {
    const { migrate, readMigrations } = await import("@/lib/db/migrate");
    const { databaseProvider } = await import("@/lib/db/config");
    const { createPrismaClient } = await import("@/lib/db");
    const provider = databaseProvider(env.database);
    const pg = provider === "postgresql" ? createPostgresDatabase(process.env.TEST_POSTGRES_URL!, "numbering") : null;
    const url = pg?.url ?? `file:${path.join(env.dir, "old.db")}`;
    try {
      const all = readMigrations(provider);
      const before = all.filter((m) => m.name < "20261202000000_decisions_and_snapshot_numbers");
      await migrate(url, before);
      const db = createPrismaClient(url);
      try {
        await db.$executeRawUnsafe(`INSERT INTO "Experiment" ("id", "name", "startDate", "controlVariant", "updatedAt") VALUES ('a', 'A', '2026-01-01', 'c', CURRENT_TIMESTAMP), ('b', 'B', '2026-01-01', 'c', CURRENT_TIMESTAMP)`);
        for (const e of ["a", "b", "a", "a", "b"]) {
          await db.$executeRawUnsafe(`INSERT INTO "Snapshot" ("experimentId", "status", "warehouse") VALUES ('${e}', 'succeeded', 'duckdb')`);
        }
        expect(await migrate(url, all)).toContain("20261202000000_decisions_and_snapshot_numbers");
        const rows = await db.snapshot.findMany({ orderBy: { id: "asc" }, select: { experimentId: true, number: true } });
        expect(rows.map((r) => `${r.experimentId}#${r.number}`)).toEqual(["a#1", "b#1", "a#2", "a#3", "b#2"]);
        const exp = await db.experiment.findUnique({ where: { id: "a" } });
        expect(exp).toMatchObject({ plannedMde: 0.05, archivedAt: null });
      } finally {
        await db.$disconnect();
      }
    } finally {
      pg?.drop();
    }
  });
});

describe("team decisions", () => {
  it("are recorded with who, when and a note; the newest is current and earlier ones stay", async () => {
    const { recordDecisionAction } = await import("@/app/experiments/actions");
    const { decisionsOf, latestDecisions } = await import("@/lib/analysis/store");
    expect(await recordDecisionAction("onboarding-three-arm", { decision: "none", note: "waiting for week 3" })).toEqual({ ok: true, message: null });
    await new Promise((r) => setTimeout(r, 5));
    expect(await recordDecisionAction("onboarding-three-arm", { decision: "ship", variant: "gamified", note: "  signups +9%  " })).toMatchObject({ ok: true });
    const list = await decisionsOf("onboarding-three-arm");
    expect(list.map((d) => [d.decision, d.variant, d.actor, d.note])).toEqual([
      ["ship", "gamified", "API key “lifecycle”", "signups +9%"],
      ["none", null, "API key “lifecycle”", "waiting for week 3"],
    ]);
    expect(list[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(list[1]!.createdAt.getTime());
    expect((await latestDecisions()).get("onboarding-three-arm")?.decision).toBe("ship");
  });

  it("refuse what is not a decision, and a ship without a variant of a multi-arm test", async () => {
    const { recordDecisionAction } = await import("@/app/experiments/actions");
    expect(await recordDecisionAction("onboarding-three-arm", { decision: "maybe" })).toMatchObject({ ok: false, errors: { decision: expect.any(String) } });
    expect(await recordDecisionAction("onboarding-three-arm", { decision: "ship" })).toMatchObject({ ok: false, errors: { variant: "Choose the variant that ships" } });
    expect(await recordDecisionAction("onboarding-three-arm", { decision: "ship", variant: "control" })).toMatchObject({ ok: false });
    expect(await recordDecisionAction("onboarding-three-arm", { decision: "rollback", note: "x".repeat(2001) })).toMatchObject({ ok: false, errors: { note: expect.any(String) } });
    // a two-arm test ships its one treatment without naming it
    expect(await recordDecisionAction("checkout-redesign", { decision: "ship" })).toMatchObject({ ok: true });
    expect(await recordDecisionAction("no-such-experiment", { decision: "ship" })).toMatchObject({ ok: false, message: "This experiment no longer exists." });
  });
});

describe("who may decide, archive and delete", () => {
  it("a visitor is refused by every write action, nothing changes; an editor's changes are in the audit log", async () => {
    const actions = await import("@/app/experiments/actions");
    const { decisionsOf, getExperiment } = await import("@/lib/analysis/store");
    const { auditEntries } = await import("@/lib/audit/log");
    const editor = request.headers;
    request.headers = new Headers(); // no session, no key; ANONYMOUS_ROLE is none
    try {
      const before = (await decisionsOf("checkout-redesign")).length;
      for (const refused of [
        await actions.recordDecisionAction("checkout-redesign", { decision: "rollback" }),
        await actions.setArchivedAction("checkout-redesign", true),
        await actions.deleteExperimentAction("checkout-redesign", "checkout-redesign"),
        await actions.previewExposuresAction({ exposureTable: "exposures", experimentKey: "checkout-redesign", startDate: "2026-10-01", endDate: "" }),
      ]) {
        expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^Refused: sign in to /) });
      }
      expect((await decisionsOf("checkout-redesign")).length).toBe(before);
      expect((await getExperiment("checkout-redesign"))?.archivedAt).toBeNull();
    } finally {
      request.headers = editor;
    }
    expect(await actions.setArchivedAction("checkout-redesign", true)).toMatchObject({ ok: true });
    expect(await actions.setArchivedAction("checkout-redesign", false)).toMatchObject({ ok: true });
    const log = await auditEntries({ experimentId: "checkout-redesign", take: 2 });
    expect(log.map((e) => [e.action, e.actorName])).toEqual([
      ["restored", "API key “lifecycle”"],
      ["archived", "API key “lifecycle”"],
    ]);
  });
});

describe("archive and delete", () => {
  it("archiving keeps everything and can be undone", async () => {
    const { setArchivedAction } = await import("@/app/experiments/actions");
    const { getExperiment, countSnapshots } = await import("@/lib/analysis/store");
    const before = await countSnapshots("feed-autoplay");
    expect(await setArchivedAction("feed-autoplay", true)).toMatchObject({ ok: true });
    expect((await getExperiment("feed-autoplay"))?.archivedAt).toBeInstanceOf(Date);
    expect(await countSnapshots("feed-autoplay")).toBe(before);
    await setArchivedAction("feed-autoplay", false);
    expect((await getExperiment("feed-autoplay"))?.archivedAt).toBeNull();
  });

  it("deleting needs the id typed again, and takes the snapshots, decisions, variants and metrics with it", async () => {
    const { deleteExperimentAction, recordDecisionAction } = await import("@/app/experiments/actions");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    await runAnalysis("button-color-aa");
    await recordDecisionAction("button-color-aa", { decision: "none" });
    expect(await prisma.snapshot.count({ where: { experimentId: "button-color-aa" } })).toBeGreaterThan(0);
    expect(await deleteExperimentAction("button-color-aa", "button-color")).toMatchObject({ ok: false });
    expect(await prisma.experiment.count({ where: { id: "button-color-aa" } })).toBe(1);
    const done = await deleteExperimentAction("button-color-aa", " button-color-aa ");
    expect(done).toMatchObject({ ok: true, message: expect.stringMatching(/^Deleted “button-color-aa” and its \d+ snapshots?\.$/) });
    for (const count of [
      prisma.experiment.count({ where: { id: "button-color-aa" } }),
      prisma.snapshot.count({ where: { experimentId: "button-color-aa" } }),
      prisma.experimentDecision.count({ where: { experimentId: "button-color-aa" } }),
      prisma.variant.count({ where: { experimentId: "button-color-aa" } }),
      prisma.experimentMetric.count({ where: { experimentId: "button-color-aa" } }),
    ]) {
      expect(await count).toBe(0);
    }
  });

  it("an experiment with an analysis in progress is not deleted", async () => {
    const { deleteExperimentAction } = await import("@/app/experiments/actions");
    const { claimRun, finishRun } = await import("@/lib/analysis/runs");
    const run = await claimRun("pricing-banner-srm", "duckdb");
    try {
      expect(await deleteExperimentAction("pricing-banner-srm", "pricing-banner-srm")).toMatchObject({ ok: false, message: expect.stringMatching(/is running/) });
    } finally {
      await finishRun(run.id, { status: "failed", error: "test" });
    }
  });
});

describe("exposure preview (the experiment form, before saving)", () => {
  it("answers per logged variant for the key and dates, and names what is wrong with the input", async () => {
    const { previewExposuresAction } = await import("@/app/experiments/actions");
    const ok = await previewExposuresAction({ exposureTable: "exposures", experimentKey: "onboarding-three-arm", startDate: "2026-10-01", endDate: "2026-10-14" });
    if (!ok.ok) throw new Error(ok.message);
    expect(ok.preview.variants.map((v) => v.variant).sort()).toEqual(["control", "gamified", "short"]);
    expect(ok.preview.variants.every((v) => v.users > 100 && v.exposures >= v.users)).toBe(true);
    const none = await previewExposuresAction({ exposureTable: "exposures", experimentKey: "brand-new-test", startDate: "2026-10-01", endDate: "" });
    expect(none).toEqual({ ok: true, preview: { variants: [], truncated: false } });
    expect(await previewExposuresAction({ exposureTable: "pg_catalog", experimentKey: "x", startDate: "2026-10-01", endDate: "" })).toMatchObject({ ok: false, message: expect.stringMatching(/^Exposure table: /) });
    expect(await previewExposuresAction({ exposureTable: "exposures", experimentKey: "x'; DROP", startDate: "2026-10-01", endDate: "" })).toMatchObject({ ok: false, message: expect.stringMatching(/^Exposure key: /) });
    expect(await previewExposuresAction({ exposureTable: "no_such_table", experimentKey: "x", startDate: "2026-10-01", endDate: "" })).toMatchObject({ ok: false, message: expect.stringMatching(/no_such_table/) });
  });

  it("gives the DuckDB file back: no lease is held once it has answered", async () => {
    const { previewExposuresAction } = await import("@/app/experiments/actions");
    const { duckDbInstanceState } = await import("@/lib/warehouse/duckdb-instances");
    await previewExposuresAction({ exposureTable: "exposures", experimentKey: "checkout-redesign", startDate: "2026-10-01", endDate: "2026-10-14" });
    expect(duckDbInstanceState(env.warehouse).leases).toBe(0);
  });
});
