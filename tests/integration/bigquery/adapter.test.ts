/**
 * The BigQuery adapter with the real @google-cloud/bigquery client, against a local fake of the
 * BigQuery v2 REST API (tests/support/fake-bigquery.ts). No network, no credentials.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BigQueryWarehouse, bigqueryConfigFromEnv, type BigQueryConfig } from "@/lib/warehouse/bigquery";
import { WarehouseError } from "@/lib/warehouse/types";
import { FakeBigQuery, googleError, type RecordedRequest } from "../../support/fake-bigquery";

let fake: FakeBigQuery;
const savedEmulatorHost = process.env.BIGQUERY_EMULATOR_HOST;

beforeAll(async () => {
  delete process.env.BIGQUERY_EMULATOR_HOST; // it would override apiEndpoint
  fake = await FakeBigQuery.start("test-project");
});
afterAll(async () => {
  await fake.close();
  if (savedEmulatorHost !== undefined) process.env.BIGQUERY_EMULATOR_HOST = savedEmulatorHost;
});
beforeEach(() => fake.reset());
afterEach(() => {
  // the adapter uses exactly jobs.insert / getQueryResults / jobs.get / jobs.cancel
  expect(fake.requestsTo("unknown")).toEqual([]);
  expect(fake.requestsTo("jobs.query")).toEqual([]);
});

function warehouse(overrides: Partial<BigQueryConfig> = {}): BigQueryWarehouse {
  return new BigQueryWarehouse(fake.config(overrides));
}

function sentParams(r: RecordedRequest | undefined) {
  return (r?.body?.configuration?.query?.queryParameters ?? []).map((p) => ({
    name: p.name,
    type: p.parameterType?.type,
    value: p.parameterValue?.value,
  }));
}

async function rejection(p: Promise<unknown>): Promise<WarehouseError> {
  const err = await p.then(
    () => {
      throw new Error("expected the query to fail");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WarehouseError);
  expect((err as WarehouseError).engine).toBe("bigquery");
  return err as WarehouseError;
}

describe("what the adapter sends", () => {
  it("types every named parameter explicitly (INT64, FLOAT64, STRING, BOOL) in the dry run and the job", async () => {
    const wh = warehouse();
    await wh.query("SELECT @n, @x, @s, @b, @neg, @big", { n: 7, x: 0.25, s: "2024-01-31", b: false, neg: -3, big: 1e20 });
    const expected = [
      { name: "n", type: "INT64", value: "7" },
      { name: "x", type: "FLOAT64", value: "0.25" },
      { name: "s", type: "STRING", value: "2024-01-31" },
      { name: "b", type: "BOOL", value: "false" },
      { name: "neg", type: "INT64", value: "-3" },
      { name: "big", type: "FLOAT64", value: "100000000000000000000" },
    ];
    const [dry] = fake.requestsTo("jobs.insert.dryRun");
    const [job] = fake.requestsTo("jobs.insert");
    expect(sentParams(dry)).toEqual(expected);
    expect(sentParams(job)).toEqual(expected);
    for (const r of [dry, job]) {
      expect(r?.body?.configuration?.query?.parameterMode).toBe("NAMED");
      expect(r?.body?.configuration?.query?.useLegacySql).toBe(false);
      // nothing for the service to guess from, and no stray client-only fields
      expect(r?.body?.configuration?.query).not.toHaveProperty("types");
      expect(r?.body?.configuration?.query).not.toHaveProperty("params");
    }
  });

  it("rejects a non-finite number parameter before calling BigQuery", async () => {
    const err = await rejection(warehouse().query("SELECT @x", { x: Number.NaN }));
    expect(err.message).toMatch(/@x/);
    expect(fake.requests).toHaveLength(0);
  });

  it("dry-runs first, then inserts the real job with the same SQL, the byte cap, timeout and legacy SQL off", async () => {
    const wh = warehouse({ maxBytes: 5_000_000, timeoutMs: 120_000 });
    await wh.query("SELECT 1 AS x");
    const routes = fake.requests.map((r) => r.route);
    expect(routes.slice(0, 2)).toEqual(["jobs.insert.dryRun", "jobs.insert"]);
    const [dry] = fake.requestsTo("jobs.insert.dryRun");
    const [job] = fake.requestsTo("jobs.insert");
    expect(dry?.body?.configuration?.dryRun).toBe(true);
    expect(job?.body?.configuration?.dryRun).toBeUndefined();
    expect(job?.body?.configuration?.query?.query).toBe("SELECT 1 AS x");
    expect(dry?.body?.configuration?.query?.query).toBe("SELECT 1 AS x");
    expect(job?.body?.configuration?.query?.maximumBytesBilled).toBe("5000000");
    expect(job?.body?.configuration?.jobTimeoutMs).toBe("120000");
    expect(job?.body?.configuration?.query?.useLegacySql).toBe(false);
    expect(job?.body?.jobReference?.jobId).toMatch(/^[A-Za-z0-9_-]{1,1024}$/);
  });

  it("sends labels sanitised to BigQuery's rules", async () => {
    await warehouse().query("SELECT 1", {}, {
      labels: { Experiment: "Checkout-Redesign 2024!", "team/growth": "A".repeat(100), "1st": "x", "": "dropped" },
    });
    const labels = fake.requestsTo("jobs.insert")[0]?.body?.configuration?.labels ?? {};
    expect(labels).toEqual({ experiment: "checkout-redesign_2024_", team_growth: "a".repeat(63), l_1st: "x" });
    for (const [k, v] of Object.entries(labels)) {
      expect(k).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(v).toMatch(/^[a-z0-9_-]{0,63}$/);
    }
  });

  it("runs every call in the configured location", async () => {
    await warehouse({ location: "europe-west3" }).query("SELECT 1");
    for (const r of fake.requestsTo("jobs.insert.dryRun").concat(fake.requestsTo("jobs.insert"))) {
      expect(r.body?.jobReference?.location).toBe("europe-west3");
    }
    for (const r of fake.requestsTo("jobs.getQueryResults").concat(fake.requestsTo("jobs.get"))) {
      expect(r.query.location).toBe("europe-west3");
    }
    expect(fake.jobs.size).toBe(1);
    expect([...fake.jobs.values()][0]?.location).toBe("europe-west3");
  });

  it("passes only documented jobs.getQueryResults parameters on the query string", async () => {
    await warehouse({ pageSize: 2 }).query("SELECT 1");
    const allowed = new Set(["location", "formatOptions.useInt64Timestamp", "pageToken", "maxResults", "prettyPrint", "timeoutMs", "startIndex"]);
    const [first] = fake.requestsTo("jobs.getQueryResults");
    expect(first).toBeDefined();
    for (const r of fake.requestsTo("jobs.getQueryResults")) {
      for (const key of Object.keys(r.query)) expect(allowed.has(key), `unexpected query parameter ${key}`).toBe(true);
    }
    expect(first?.query["formatOptions.useInt64Timestamp"]).toBe("true");
    expect(first?.query.maxResults).toBe("2");
  });
});

describe("the byte cap", () => {
  it("refuses a query whose dry run is above BIGQUERY_MAX_BYTES, and never inserts the job", async () => {
    fake.reset({ dryRunBytes: 20_000_000_000 });
    const err = await rejection(warehouse({ maxBytes: 10_000_000_000 }).query("SELECT * FROM big"));
    expect(err.message).toContain("would scan 20.00 GB");
    expect(err.message).toContain("above BIGQUERY_MAX_BYTES=10000000000");
    expect(fake.requestsTo("jobs.insert.dryRun")).toHaveLength(1);
    expect(fake.requestsTo("jobs.insert")).toHaveLength(0);
  });

  it("runs a query exactly at the cap", async () => {
    fake.reset({ dryRunBytes: 4096 });
    await warehouse({ maxBytes: 4096 }).query("SELECT 1");
    expect(fake.requestsTo("jobs.insert")).toHaveLength(1);
  });

  it("estimateBytes is the dry run's totalBytesProcessed and runs nothing", async () => {
    fake.reset({ dryRunBytes: 987_654_321 });
    await expect(warehouse().estimateBytes("SELECT @a", { a: 1 })).resolves.toBe(987_654_321);
    expect(fake.requests.map((r) => r.route)).toEqual(["jobs.insert.dryRun"]);
    expect(sentParams(fake.requests[0])).toEqual([{ name: "a", type: "INT64", value: "1" }]);
  });
});

describe("results", () => {
  it("decodes INT64, FLOAT64, NUMERIC, BIGNUMERIC, BOOL, DATE, DATETIME, TIMESTAMP, STRING, NULL, arrays and records", async () => {
    fake.reset({
      result: {
        fields: [
          { name: "i", type: "INTEGER" },
          { name: "i64", type: "INT64" },
          { name: "f", type: "FLOAT" },
          { name: "f64", type: "FLOAT64" },
          { name: "num", type: "NUMERIC" },
          { name: "bignum", type: "BIGNUMERIC" },
          { name: "b", type: "BOOLEAN" },
          { name: "d", type: "DATE" },
          { name: "dt", type: "DATETIME" },
          { name: "ts", type: "TIMESTAMP" },
          { name: "s", type: "STRING" },
          { name: "arr", type: "INTEGER", mode: "REPEATED" },
          { name: "rec", type: "RECORD", fields: [{ name: "k", type: "INTEGER" }, { name: "v", type: "STRING" }] },
        ],
        rows: [
          [
            "42", "-7", "1.5", "-2.5e-3", "123.456789", "98765.4321", "true", "2024-01-02",
            "2024-01-02T03:04:05.5", "1704164645123456", "hello",
            [{ v: "1" }, { v: "2" }], { f: [{ v: "7" }, { v: "a" }] },
          ],
          [null, null, null, null, null, null, null, null, null, null, null, [], null],
        ],
      },
    });
    const { rows } = await warehouse().query("SELECT …");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toStrictEqual({
      i: 42,
      i64: -7,
      f: 1.5,
      f64: -0.0025,
      num: 123.456789,
      bignum: 98765.4321,
      b: true,
      d: "2024-01-02",
      dt: "2024-01-02T03:04:05.5",
      ts: "2024-01-02T03:04:05.123Z",
      s: "hello",
      arr: [1, 2],
      rec: { k: 7, v: "a" },
    });
    expect(rows[1]).toStrictEqual({
      i: null, i64: null, f: null, f64: null, num: null, bignum: null, b: null,
      d: null, dt: null, ts: null, s: null, arr: [], rec: null,
    });
    // plain JSON values only: no Big, BigQueryInt, BigQueryDate or BigQueryTimestamp objects
    expect(JSON.parse(JSON.stringify(rows))).toStrictEqual(rows);
  });

  it("reads every page (≥3) using the page tokens, in order", async () => {
    const values = Array.from({ length: 7 }, (_, i) => String(i * 10));
    fake.reset({ pageSize: 3, result: { fields: [{ name: "v", type: "INTEGER" }], rows: values.map((v) => [v]) } });
    const { rows } = await warehouse().query("SELECT v");
    expect(rows.map((r) => r.v)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    const pages = fake.requestsTo("jobs.getQueryResults");
    expect(pages).toHaveLength(3);
    expect(pages.map((p) => p.query.pageToken)).toEqual([undefined, "page-3", "page-6"]);
    expect(new Set(pages.map((p) => p.jobId)).size).toBe(1);
  });

  it("asks maxResults rows per page when pageSize is configured", async () => {
    fake.reset({ result: { fields: [{ name: "v", type: "INTEGER" }], rows: [["1"], ["2"], ["3"], ["4"], ["5"]] } });
    const { rows } = await warehouse({ pageSize: 2 }).query("SELECT v");
    expect(rows.map((r) => r.v)).toEqual([1, 2, 3, 4, 5]);
    const pages = fake.requestsTo("jobs.getQueryResults");
    expect(pages.map((p) => p.query.maxResults)).toEqual(["2", "2", "2"]);
  });

  it("keeps polling while the job is running (jobComplete: false)", async () => {
    fake.reset({ incompletePolls: 3 });
    const { rows } = await warehouse().query("SELECT 1 AS x");
    expect(rows).toEqual([{ x: 1 }]);
    expect(fake.requestsTo("jobs.getQueryResults")).toHaveLength(4);
  });

  it("puts job id, bytes processed and billed, cache hit and slot ms from the job metadata in stats", async () => {
    fake.reset({
      statistics: { totalBytesProcessed: "123456789", totalBytesBilled: "124780544", cacheHit: true, totalSlotMs: "98765" },
    });
    const { stats } = await warehouse().query("SELECT 1");
    const jobId = fake.requestsTo("jobs.insert")[0]?.body?.jobReference?.jobId;
    expect(jobId).toBeTruthy();
    expect(stats).toMatchObject({
      jobId,
      bytesProcessed: 123456789,
      bytesBilled: 124780544,
      cacheHit: true,
      slotMs: 98765,
    });
    expect(stats.durationMs).toBeGreaterThanOrEqual(0);
    expect(fake.requestsTo("jobs.get").map((r) => r.jobId)).toEqual([jobId]);
  });
});

describe("errors and retries", () => {
  it("retries a 503 on the job insert with the same job id, then succeeds", async () => {
    fake.failNext("jobs.insert", googleError(503, "backendError", "Error encountered during execution. Retrying may solve the problem."));
    const { rows } = await warehouse().query("SELECT 1 AS x");
    expect(rows).toEqual([{ x: 1 }]);
    const inserts = fake.requestsTo("jobs.insert");
    expect(inserts).toHaveLength(2);
    expect(inserts[0]?.body?.jobReference?.jobId).toBe(inserts[1]?.body?.jobReference?.jobId);
  });

  it.each([
    ["jobs.insert.dryRun", googleError(429, "rateLimitExceeded", "Exceeded rate limits: too many api requests per user per method")],
    ["jobs.getQueryResults", googleError(503, "backendError", "Backend error")],
    ["jobs.getQueryResults", googleError(500, "internalError", "An internal error occurred")],
    ["jobs.get", googleError(502, "backendError", "Bad gateway")],
    ["jobs.getQueryResults", googleError(403, "rateLimitExceeded", "Exceeded rate limits")],
  ] as const)("retries a transient failure of %s (%#)", async (route, error) => {
    fake.failNext(route, error, 2);
    const { rows } = await warehouse().query("SELECT 1 AS x");
    expect(rows).toEqual([{ x: 1 }]);
    expect(fake.requestsTo(route)).toHaveLength(3);
  });

  it("recognises its own job after an insert whose response was lost (409 duplicate on the retry)", async () => {
    fake.failNext("jobs.insert", { ...googleError(503, "backendError", "Backend error"), afterApply: true });
    const { rows, stats } = await warehouse().query("SELECT 1 AS x");
    expect(rows).toEqual([{ x: 1 }]);
    expect(fake.requestsTo("jobs.insert")).toHaveLength(2);
    expect(fake.jobs.size).toBe(1);
    expect(stats.jobId).toBe([...fake.jobs.keys()][0]);
  });

  it("gives up after maxRetries and surfaces BigQuery's message", async () => {
    fake.failNext("jobs.insert.dryRun", googleError(503, "backendError", "Backend error, please retry"), 10);
    const err = await rejection(warehouse({ maxRetries: 2 }).query("SELECT 1"));
    expect(err.message).toBe("Backend error, please retry");
    expect(fake.requestsTo("jobs.insert.dryRun")).toHaveLength(3);
  });

  it("does not retry a 400 invalidQuery and surfaces BigQuery's own message, no stack", async () => {
    const message = "Syntax error: Unexpected keyword FROM at [3:5]";
    fake.failNext("jobs.insert.dryRun", googleError(400, "invalidQuery", message, { location: "query", locationType: "other" }), 5);
    const err = await rejection(warehouse().query("SELECT\n  1,\n    FROM t"));
    expect(err.message).toBe(message);
    expect(err.message).not.toMatch(/\n\s+at /);
    expect(fake.requestsTo("jobs.insert.dryRun")).toHaveLength(1);
    expect(fake.requestsTo("jobs.insert")).toHaveLength(0);
  });

  it("does not retry a bytes-billed limit failure of the running job", async () => {
    const message = "Query exceeded limit for bytes billed: 1000. 10485760 or higher required.";
    fake.failNext("jobs.getQueryResults", googleError(400, "bytesBilledLimitExceeded", message), 5);
    const err = await rejection(warehouse({ maxBytes: 1_000_000_000 }).query("SELECT 1"));
    expect(err.message).toBe(message);
    expect(fake.requestsTo("jobs.getQueryResults")).toHaveLength(1);
  });

  it("does not retry a 500 whose reason is not transient", async () => {
    fake.failNext("jobs.insert.dryRun", googleError(500, "invalidQuery", "Unrecognized name: nope at [1:8]"), 5);
    const err = await rejection(warehouse().query("SELECT nope"));
    expect(err.message).toBe("Unrecognized name: nope at [1:8]");
    expect(fake.requestsTo("jobs.insert.dryRun")).toHaveLength(1);
  });
});

describe("cancellation", () => {
  it("cancels the BigQuery job when the signal aborts while it runs", async () => {
    fake.reset({ incompletePolls: Number.POSITIVE_INFINITY, pollDelayMs: 20 });
    const controller = new AbortController();
    const running = warehouse({ location: "EU" }).query("SELECT slow()", {}, { signal: controller.signal });
    await fake.waitFor("jobs.getQueryResults");
    controller.abort();
    const err = await rejection(running);
    expect(err.message).toMatch(/cancelled/);
    const jobId = fake.requestsTo("jobs.insert")[0]?.body?.jobReference?.jobId;
    const cancels = fake.requestsTo("jobs.cancel");
    expect(cancels).toHaveLength(1);
    expect(cancels[0]?.jobId).toBe(jobId);
    expect(cancels[0]?.query.location).toBe("EU");
    expect(fake.jobs.get(jobId ?? "")?.cancelled).toBe(true);
  });

  it("cancels the job when the signal aborts while the insert is in flight", async () => {
    fake.reset({ incompletePolls: Number.POSITIVE_INFINITY, delayMs: { "jobs.insert": 150 } });
    const controller = new AbortController();
    const running = warehouse().query("SELECT slow()", {}, { signal: controller.signal });
    const insert = await fake.waitFor("jobs.insert");
    controller.abort();
    const err = await rejection(running);
    expect(err.message).toMatch(/cancelled/);
    expect(fake.requestsTo("jobs.cancel").map((r) => r.jobId)).toEqual([insert.jobId]);
    expect(fake.jobs.get(insert.jobId ?? "")?.cancelled).toBe(true);
    expect(fake.requestsTo("jobs.getQueryResults")).toHaveLength(0);
  });

  it("sends nothing when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await rejection(warehouse().query("SELECT 1", {}, { signal: controller.signal }));
    expect(fake.requests).toHaveLength(0);
  });

  it("does not cancel anything when aborted during the dry run (no job exists yet)", async () => {
    fake.failNext("jobs.insert.dryRun", googleError(503, "backendError", "Backend error"), 100);
    const controller = new AbortController();
    const running = warehouse({ retryBaseDelayMs: 50 }).query("SELECT 1", {}, { signal: controller.signal });
    await fake.waitFor("jobs.insert.dryRun");
    controller.abort();
    await rejection(running);
    expect(fake.requestsTo("jobs.insert")).toHaveLength(0);
    expect(fake.requestsTo("jobs.cancel")).toHaveLength(0);
  });
});

describe("bigqueryConfigFromEnv", () => {
  const base = { BIGQUERY_PROJECT: "my-proj", BIGQUERY_DATASET: "analytics" };

  it("reads the variables, with a 10 GiB default cap", () => {
    expect(bigqueryConfigFromEnv(base)).toMatchObject({ projectId: "my-proj", dataset: "analytics", maxBytes: 10 * 1024 ** 3 });
    expect(
      bigqueryConfigFromEnv({
        ...base,
        BIGQUERY_LOCATION: "EU",
        BIGQUERY_MAX_BYTES: "1000000",
        BIGQUERY_TIMEOUT_MS: "30000",
        BIGQUERY_API_ENDPOINT: "http://127.0.0.1:9050",
      }),
    ).toMatchObject({ location: "EU", maxBytes: 1_000_000, timeoutMs: 30_000, apiEndpoint: "http://127.0.0.1:9050" });
  });

  it("names the missing variable", () => {
    expect(() => bigqueryConfigFromEnv({ BIGQUERY_DATASET: "analytics" })).toThrow(/BIGQUERY_PROJECT/);
    expect(() => bigqueryConfigFromEnv({ BIGQUERY_PROJECT: "p", BIGQUERY_DATASET: " " })).toThrow(/BIGQUERY_DATASET/);
  });

  it.each(["abc", "0", "-5", "1.5", "1e9"])("rejects BIGQUERY_MAX_BYTES=%s", (v) => {
    expect(() => bigqueryConfigFromEnv({ ...base, BIGQUERY_MAX_BYTES: v })).toThrow(/BIGQUERY_MAX_BYTES must be a positive whole number/);
  });

  it("the warehouse built from it uses the fully-qualified dataset in its dialect", () => {
    const wh = new BigQueryWarehouse(bigqueryConfigFromEnv(base));
    expect(wh.kind).toBe("bigquery");
    expect(wh.dialect.table("events")).toBe("`my-proj.analytics.events`");
    expect(wh.dialect.param("start_date")).toBe("@start_date");
  });
});
