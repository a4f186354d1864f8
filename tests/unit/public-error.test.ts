import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { isInternalError, publicMessage, scrubInternals, setErrorLog } from "@/lib/public-error";
import { WarehouseError } from "@/lib/warehouse/types";

// DuckDB 1.5's own message when another process holds the file (captured from a real conflict)
const LOCK = 'IO Error: Could not set lock on file "/srv/app/data/warehouse.duckdb": Conflicting lock is held in /usr/bin/node (PID 27005) by user root. See also https://duckdb.org/docs/stable/connect/concurrency';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("did not throw");
}

describe("scrubInternals", () => {
  it("drops absolute paths (keeping the file's name), process ids and user names; keeps URLs", () => {
    expect(scrubInternals(LOCK)).toBe(
      'IO Error: Could not set lock on file "warehouse.duckdb": Conflicting lock is held in node. See also https://duckdb.org/docs/stable/connect/concurrency',
    );
    expect(scrubInternals('IO Error: Could not read enough bytes from file "/work/data/warehouse.duckdb.tmp/duckdb_temp_storage_S96K-0.tmp"')).toBe(
      'IO Error: Could not read enough bytes from file "duckdb_temp_storage_S96K-0.tmp"',
    );
    expect(scrubInternals("cannot open DuckDB file /home/ana/wh.duckdb: locked (pid=311)")).toBe("cannot open DuckDB file wh.duckdb: locked");
    expect(scrubInternals("at run (file:///srv/app/lib/x.ts:12:3)")).toBe("at run (x.ts:12:3)");
    expect(scrubInternals("C:\\Users\\ana\\data\\app.db is locked")).toBe("app.db is locked");
    expect(scrubInternals("held by pid 4242")).toBe("held by another process");
  });

  it("leaves messages without internals alone (SQL, ratios, dates, relative paths)", () => {
    for (const text of [
      'Catalog Error: Table with name exposures_v2 does not exist!\nDid you mean "exposures"?\n\nLINE 12:   FROM "exposures_v2"',
      "Binder Error: No function matches the given name and argument types '/(VARCHAR, INTEGER)'",
      "SELECT a / b FROM t WHERE d >= '2026-10-01'",
      "experiment x (2026-10-01 → 9999-12-31) cannot be analysed",
      "see data/app.db and ./scripts/x.ts",
      "ratio 3/4 of users",
    ]) {
      expect(scrubInternals(text)).toBe(text);
    }
  });
});

describe("publicMessage", () => {
  const logged: { ref: string; context: string; err: unknown }[] = [];
  afterEach(() => {
    logged.length = 0;
    setErrorLog({ where: "the server log", write: (ref, context, err) => console.error(`[error ${ref}] ${context}:`, err) });
  });
  const capture = () => setErrorLog({ where: "the test log", write: (ref, context, err) => logged.push({ ref, context, err }) });

  it("shows warehouse errors and our own messages as they are, minus internals, and logs nothing", () => {
    capture();
    expect(publicMessage(new WarehouseError(LOCK, "duckdb"), "the analysis failed")).toMatch(/^IO Error: Could not set lock on file "warehouse.duckdb": Conflicting lock is held in node\./);
    expect(publicMessage(new Error('unknown metric "nope"; registered: purchases'), "x")).toBe('unknown metric "nope"; registered: purchases');
    expect(logged).toEqual([]);
  });

  it("logs faults with their stack under a reference and tells people only that reference", () => {
    capture();
    const faults: unknown[] = [
      caught(() => (undefined as unknown as { x: number }).x), // TypeError
      caught(() => "x".repeat(-1)), // RangeError
      caught(() => JSON.parse("{")), // SyntaxError
      caught(() => readFileSync("/no/such/dir/secret.txt")), // ENOENT, a system error with a path
      Object.assign(new Error("SQLITE_BUSY: database is locked"), { code: "SQLITE_BUSY" }),
      Object.assign(new Error("Invalid `prisma.snapshot.update()` invocation in\n/srv/app/lib/analysis/run-analysis.ts:101:28\n\n  98 …"), {
        name: "PrismaClientKnownRequestError",
      }),
      "a thrown string",
    ];
    for (const err of faults) {
      expect(isInternalError(err)).toBe(true);
      const message = publicMessage(err, "the analysis failed");
      expect(message).toMatch(/^the analysis failed: an internal error occurred \(reference [0-9a-f]{8}; the details are in the test log\)$/);
      const entry = logged.at(-1)!;
      expect(message).toContain(entry.ref);
      expect(entry.err).toBe(err); // the log gets the error itself, stack included
    }
    expect(new Set(logged.map((l) => l.ref)).size).toBe(faults.length);
  });

  it("a log that throws does not hide the message", () => {
    setErrorLog({
      where: "a broken log",
      write: () => {
        throw new Error("disk full");
      },
    });
    expect(publicMessage(new TypeError("boom"), "the results could not be loaded")).toMatch(/^the results could not be loaded: an internal error occurred \(reference [0-9a-f]{8}/);
  });
});
