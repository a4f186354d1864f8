import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../support/temp-env";

// Issue 9, findings 5, 9 and 11 through the real app database and DuckDB file: what saveExperiment
// refuses, and what a row written around it (directly in the database) does to an analysis.
const env = useTempEnvironment("bounds");

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 2000, days: 14, seed: 9 });
  await registerDemoExperiments(14); // goes through saveExperiment's checks
});
afterAll(() => env.cleanup());

async function input(patch: Record<string, unknown> = {}) {
  return {
    id: "bounds-probe",
    name: "Bounds probe",
    hypothesis: "",
    owner: "",
    status: "running" as const,
    startDate: "2026-10-01",
    endDate: "2026-10-14" as string | null,
    controlVariant: "control",
    variants: [
      { key: "control", name: "Control", weight: 1 },
      { key: "treatment", name: "Treatment", weight: 1 },
    ],
    metrics: [{ key: "purchases", role: "primary" as const }],
    ...patch,
  };
}

describe("saveExperiment refuses what no writer may store", () => {
  it("an end date of 9999-12-31, a 1900 start, a span over two years", async () => {
    const { saveExperiment, getExperiment } = await import("@/lib/analysis/experiments");
    await expect(saveExperiment(await input({ endDate: "9999-12-31" }))).rejects.toThrow(
      'experiment "bounds-probe" cannot be saved: endDate: The end date must be between 2000-01-01 and 2100-12-31',
    );
    await expect(saveExperiment(await input({ startDate: "1900-01-01", endDate: null }))).rejects.toThrow(/startDate: The start date must be between/);
    await expect(saveExperiment(await input({ endDate: "2028-10-01" }))).rejects.toThrow(/spans at most 2 years: end it on 2028-09-30/);
    expect(await getExperiment("bounds-probe")).toBeNull();
    await saveExperiment(await input({ endDate: "2028-09-30" }));
    expect((await getExperiment("bounds-probe"))?.endDate).toBe("2028-09-30");
  });

  it("ids and keys with line breaks or other unsafe characters, and catalog tables", async () => {
    const { saveExperiment } = await import("@/lib/analysis/experiments");
    await expect(saveExperiment(await input({ id: "x\n-- SELECT 1" }))).rejects.toThrow(/^experiment "x\\n-- SELECT 1" cannot be saved: id: /);
    await expect(
      saveExperiment(await input({ variants: [{ key: "control", name: "C", weight: 1 }, { key: "t\u2028", name: "T", weight: 1 }] })),
    ).rejects.toThrow(/variants\.1\.key: /);
    await expect(saveExperiment(await input({ metrics: [{ key: "Purchases; DROP", role: "primary" }] }))).rejects.toThrow(/metrics\.0\.key: /);
    await expect(saveExperiment(await input({ exposureSource: "duckdb_tables" }))).rejects.toThrow(/exposureSource: “duckdb_tables” is a system catalog/);
  });
});

describe("an analysis of a row written around the checks", () => {
  it("a 9999-12-31 end date fails at once with the reason, storing a small snapshot", async () => {
    const { prisma } = await import("@/lib/db");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    await prisma.experiment.update({ where: { id: "feed-autoplay" }, data: { endDate: "9999-12-31" } });
    const s = await runAnalysis("feed-autoplay");
    expect(s.status).toBe("failed");
    expect(s.error).toBe(
      "experiment feed-autoplay (2026-10-01 → 9999-12-31) cannot be analysed: The end date must be between 2000-01-01 and 2100-12-31",
    );
    expect(s.sql).toBe(""); // no statement was built, none ran
    expect(s.parameters).toBe("[]");
    const stored = await prisma.snapshot.findUniqueOrThrow({ where: { id: s.id } });
    expect(stored.sql.length + (stored.error?.length ?? 0) + stored.parameters.length).toBeLessThan(200);

    await prisma.experiment.update({ where: { id: "feed-autoplay" }, data: { startDate: "1900-01-01", endDate: "2026-10-14" } });
    expect((await runAnalysis("feed-autoplay")).error).toMatch(/cannot be analysed: The start date must be between 2000-01-01 and 2100-12-31$/);
    await prisma.experiment.update({ where: { id: "feed-autoplay" }, data: { startDate: "2024-01-01", endDate: null } });
    expect((await runAnalysis("feed-autoplay")).error).toMatch(/\(2024-01-01 → ongoing\) cannot be analysed: It has run for more than 2 years.*on or before 2025-12-31$/);
    await prisma.experiment.update({ where: { id: "feed-autoplay" }, data: { startDate: "2026-10-01", endDate: "2026-10-14" } });
    expect((await runAnalysis("feed-autoplay")).status).toBe("succeeded");
  });

  it("a catalog table as the exposure source is refused before the warehouse lists its tables", async () => {
    const { prisma } = await import("@/lib/db");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    for (const table of ["duckdb_tables", "duckdb_columns", "pg_class", "sqlite_master"]) {
      await prisma.experiment.update({ where: { id: "button-color-aa" }, data: { exposureSource: table } });
      const s = await runAnalysis("button-color-aa");
      expect(s.status).toBe("failed");
      expect(s.error).toBe(`experiment button-color-aa cannot be analysed: exposure table: “${table}” is a system catalog of the warehouse, not an exposure log`);
      expect(s.sql).toBe("");
    }
    await prisma.experiment.update({ where: { id: "button-color-aa" }, data: { exposureSource: "exposures" } });
  });

  it("a warehouse error naming a server path is stored and shown without the path", async () => {
    const { prisma } = await import("@/lib/db");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { getExperiment } = await import("@/lib/analysis/experiments");
    const { loadResultsDocument } = await import("@/lib/analysis/results-document");
    // an exposure view over a Parquet export that was deleted: DuckDB's error names its absolute path
    const parquet = path.join(env.dir, "exposures.parquet");
    // through the process's one instance of the file (a second instance would keep its own catalog)
    const { acquireDuckDb } = await import("@/lib/warehouse/duckdb-instances");
    const lease = await acquireDuckDb(env.warehouse);
    const con = lease.connection;
    await con.run(`COPY (SELECT * FROM exposures) TO '${parquet}' (FORMAT parquet)`);
    await con.run(`CREATE OR REPLACE VIEW exposures_export AS SELECT * FROM read_parquet('${parquet}')`);
    lease.release();
    rmSync(parquet);
    await prisma.experiment.update({ where: { id: "onboarding-three-arm" }, data: { exposureSource: "exposures_export" } });
    const s = await runAnalysis("onboarding-three-arm");
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/^IO Error: No files found that match the pattern "exposures\.parquet"\n/);
    expect(s.error).not.toContain(env.dir);

    // a snapshot stored before the fix holds the raw text: the page, API and CLI show it scrubbed
    await prisma.snapshot.update({ where: { id: s.id }, data: { error: `IO Error: No files found that match the pattern "${parquet}"` } });
    const doc = await loadResultsDocument((await getExperiment("onboarding-three-arm"))!);
    expect(doc.lastFailure?.error).toBe('IO Error: No files found that match the pattern "exposures.parquet"');
    await prisma.experiment.update({ where: { id: "onboarding-three-arm" }, data: { exposureSource: "exposures" } });
  });

  it("a 100 KB warehouse error is stored capped", async () => {
    const { prisma } = await import("@/lib/db");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { MAX_STORED_ERROR_CHARS } = await import("@/lib/analysis/snapshot-limits");
    const { acquireDuckDb } = await import("@/lib/warehouse/duckdb-instances");
    const lease = await acquireDuckDb(env.warehouse);
    const con = lease.connection;
    // DuckDB's error() raises its argument: a 100,000-character message at query time
    await con.run("CREATE OR REPLACE VIEW exposures_loud AS SELECT * FROM exposures WHERE error(repeat('x', 100000 + 0 * length(user_id))) IS NULL");
    lease.release();
    await prisma.experiment.update({ where: { id: "pricing-banner-srm" }, data: { exposureSource: "exposures_loud" } });
    const s = await runAnalysis("pricing-banner-srm");
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/^Invalid Input Error: x{100}/);
    expect(s.error!.length).toBeLessThanOrEqual(MAX_STORED_ERROR_CHARS + 60);
    expect(s.error).toMatch(/ … \(\d+ more characters not stored\)$/);
    await prisma.experiment.update({ where: { id: "pricing-banner-srm" }, data: { exposureSource: "exposures" } });
  });
});
