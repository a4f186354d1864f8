/**
 * BIGQUERY_MAX_BYTES caps a whole analysis: the dry runs of all its statements are added up and
 * the analysis is refused before any real job runs. Driven through runAnalysis, the real client
 * and the fake BigQuery REST server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBigQuery } from "../../support/fake-bigquery";
import { useTempEnvironment } from "../../support/temp-env";

const env = useTempEnvironment("byte-budget");
let fake: FakeBigQuery;
const savedEmulatorHost = process.env.BIGQUERY_EMULATOR_HOST;

beforeAll(async () => {
  delete process.env.BIGQUERY_EMULATOR_HOST;
  const { migrate } = await import("@/lib/db/migrate");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  await migrate();
  await registerDemoExperiments(14);
  fake = await FakeBigQuery.start("acme-analytics");
});
afterAll(async () => {
  await fake?.close();
  if (savedEmulatorHost !== undefined) process.env.BIGQUERY_EMULATOR_HOST = savedEmulatorHost;
  await env.cleanup();
});

async function analyse(dryRunBytes: number) {
  const { BigQueryWarehouse } = await import("@/lib/warehouse/bigquery");
  const { runAnalysis } = await import("@/lib/analysis/run-analysis");
  fake.reset({ dryRunBytes, result: { fields: [], rows: [] } });
  const wh = new BigQueryWarehouse(fake.config({ dataset: "product_events", maxBytes: 10_000_000_000 }));
  return runAnalysis("checkout-redesign", wh);
}

describe("the byte cap covers the whole analysis", () => {
  it("refuses three statements of 4 GB each under a 10 GB cap, before any real job", async () => {
    const snapshot = await analyse(4_000_000_000);
    expect(snapshot.status).toBe("failed");
    expect(snapshot.error).toMatch(
      /^analysis refused: its 3 statements would scan 12\.00 GB in all \(aggregates 4\.00 GB, timeseries 4\.00 GB, traffic 4\.00 GB\), above BIGQUERY_MAX_BYTES=10000000000/,
    );
    expect(fake.requestsTo("jobs.insert.dryRun")).toHaveLength(3);
    expect(fake.requestsTo("jobs.insert")).toHaveLength(0);
  });

  it("runs every statement when their sum fits (3 × 3 GB under 10 GB)", async () => {
    const snapshot = await analyse(3_000_000_000);
    expect(snapshot.error ?? "").not.toMatch(/refused/);
    const jobs = fake.requestsTo("jobs.insert");
    expect(jobs).toHaveLength(3);
    expect(fake.requestsTo("jobs.insert.dryRun"), "each statement is dry-run once, for the budget").toHaveLength(3);
    for (const job of jobs) expect(job.body?.configuration?.query?.maximumBytesBilled).toBe("10000000000");
  });
});
