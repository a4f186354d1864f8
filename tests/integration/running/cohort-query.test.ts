import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../../support/temp-env";

// A cohort for balanced assignment read by a query on a real DuckDB warehouse: one SELECT becomes
// the same cohort a CSV gives; anything else is refused before it runs, and nothing is changed.

const env = useTempEnvironment("cohort-query");

beforeAll(async () => {
  const { DuckDbWarehouse } = await import("@/lib/warehouse/duckdb");
  const wh = await DuckDbWarehouse.open({ path: env.warehouse, create: true });
  await wh.exec(`CREATE TABLE accounts AS SELECT 'acct-' || i AS account_id, i % 7 AS seats, (i % 3 = 0) AS enterprise, i * 1.5 AS revenue FROM range(1, 61) t(i)`);
  await wh.close({ closeInstance: true });
});

afterAll(async () => {
  const { closeIdleDuckDbInstances } = await import("@/lib/warehouse/duckdb-instances");
  closeIdleDuckDbInstances();
  await env.cleanup();
});

describe("cohortFromQuery", () => {
  it("reads the id and numeric covariates (true/false as 1/0) from one SELECT", async () => {
    const { cohortFromQuery } = await import("@/lib/running/cohort-query");
    const r = await cohortFromQuery("SELECT account_id, seats, enterprise, revenue FROM accounts WHERE seats > 0;", "account_id");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cohort.covariates).toEqual(["seats", "enterprise", "revenue"]);
    expect(r.cohort.subjects).toHaveLength(52);
    expect(r.cohort.subjects.find((s) => s.id === "acct-3")!.values).toEqual([3, 1, 4.5]);
  });

  it("refuses anything but a single SELECT, and changes nothing", async () => {
    const { cohortFromQuery } = await import("@/lib/running/cohort-query");
    const message = async (sql: string) => {
      const r = await cohortFromQuery(sql, "account_id");
      return r.ok ? "ok" : r.errors.map((e) => e.message).join("; ");
    };
    expect(await message("DROP TABLE accounts")).toMatch(/does not parse|only a SELECT/);
    expect(await message("SELECT * FROM accounts) AS x; DROP TABLE accounts; SELECT * FROM (SELECT 1")).toMatch(/one SELECT|does not parse|only a SELECT/);
    expect(await message("SELECT account_id, 'big' AS size FROM accounts")).toMatch(/"big" is not a number/);
    expect(await message("SELECT * FROM nowhere")).toMatch(/nowhere/);
    expect(await message("SELECT seats FROM accounts")).toMatch(/no "account_id" column/);
    const still = await cohortFromQuery("SELECT account_id, seats FROM accounts", "account_id");
    expect(still.ok && still.cohort.subjects.length).toBe(60);
  });
});
