import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog, resetCatalog } from "@/lib/metrics/loader";

// Metric files are found by walking the metrics folder and loaded while the app runs: a new or
// changed file is seen by the next look after a second, and a file with a mistake is refused with
// a message naming the file and the field while every other metric keeps working.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  resetCatalog();
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "metric-files-"));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) write(dir, name, body);
  return dir;
}

function write(dir: string, name: string, body: string): void {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), `import { defineEventMetric, defineRatioMetric, defineSource } from "@/lib/metrics/define";\n${body}\n`);
}

const sessions = `export default defineEventMetric({ key: "sessions", name: "Sessions", statistic: "mean", events: ["session_start"], aggregate: "count" });`;
const orders = `export default defineSource({ key: "orders", table: "orders", userId: "user_id", timestamp: "ordered_at", date: "order_date", columns: { amount: "number", coupon: "string" } });`;
const later = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe("metric files", () => {
  it("are discovered in sub-folders without a list; helper files (_name) are skipped; sources and metrics may share a key", async () => {
    const dir = folder({
      "engagement/sessions.ts": sessions,
      "sources/orders.ts": orders,
      "commerce/orders.ts": `export default defineEventMetric({ key: "orders", name: "Orders", statistic: "mean", source: "orders", aggregate: "count" });`,
      "commerce/more.ts": `export const revenue = defineEventMetric({ key: "order_value", name: "Value", statistic: "mean", source: "orders", aggregate: "sum", column: "amount" });
export default defineRatioMetric({ key: "aov", name: "AOV", numerator: "order_value", denominator: "orders" });`,
      "_shared.ts": `export const notAMetric = 1;`,
    });
    const c = await loadCatalog(dir);
    expect(c.problems).toEqual([]);
    expect([...c.metrics.keys()].sort()).toEqual(["aov", "order_value", "orders", "sessions"]);
    expect([...c.sources.keys()].sort()).toEqual(["events", "orders"]);
    expect(c.files.get("aov")).toMatch(/commerce\/more\.ts$/);
  });

  it("a file with a mistake is refused, naming the file and the field; every other metric keeps working", async () => {
    const dir = folder({
      "a/sessions.ts": sessions, // files are taken in name order: this one comes before bad/duplicate.ts
      "sources/orders.ts": orders,
      "bad/unknown-source.ts": `export default defineEventMetric({ key: "a", name: "A", statistic: "mean", source: "ordrs", aggregate: "count" });`,
      "bad/unknown-column.ts": `export default defineEventMetric({ key: "b", name: "B", statistic: "mean", source: "orders", aggregate: "sum", column: "amont" });`,
      "bad/filter-type.ts": `export default defineEventMetric({ key: "c", name: "C", statistic: "mean", source: "orders", aggregate: "count", where: [{ column: "amount", op: ">=", value: "100" }] });`,
      "bad/ratio.ts": `export default defineRatioMetric({ key: "d", name: "D", numerator: "sessions", denominator: "nope" });`,
      "bad/quantile.ts": `export default defineEventMetric({ key: "e", name: "E", statistic: "quantile", quantile: 1.5, events: ["purchase"], aggregate: "sum" });`,
      "bad/window.ts": `export default defineEventMetric({ key: "f", name: "F", statistic: "proportion", events: ["session_start"], aggregate: "count", window: { fromDay: 7, toDay: 7 } });`,
      "bad/typo-field.ts": `export default defineEventMetric({ key: "g", name: "G", statistic: "mean", evnets: ["x"], aggregate: "count" } as never);`,
      "bad/syntax.ts": `export default defineEventMetric({ key: "h", name: "H",, });`,
      "bad/nothing.ts": `export const x = 1;`,
      "bad/duplicate.ts": sessions,
    });
    const c = await loadCatalog(dir);
    expect([...c.metrics.keys()]).toEqual(["sessions"]);
    const problem = (file: string) => c.problems.filter((p) => p.file.endsWith(file)).map((p) => p.message).join(" | ");
    expect(problem("bad/unknown-source.ts")).toMatch(/^source: unknown source "ordrs"; defined: events, orders/);
    expect(problem("bad/unknown-column.ts")).toMatch(/^column: source "orders" has no column "amont"; its columns: amount \(number\), coupon \(string\)/);
    expect(problem("bad/filter-type.ts")).toMatch(/^where\.0\.value: "100" does not fit column "amount" \(number\)/);
    expect(problem("bad/ratio.ts")).toMatch(/^denominator: unknown metric "nope"/);
    expect(problem("bad/quantile.ts")).toMatch(/metric e: quantile: must be between 0 and 1, exclusive \(got 1\.5\)/);
    expect(problem("bad/window.ts")).toMatch(/metric f: window\.toDay: must be greater than fromDay \(7\); got 7/);
    expect(problem("bad/typo-field.ts")).toMatch(/metric g: evnets: unknown field/);
    expect(problem("bad/syntax.ts")).not.toBe("");
    expect(problem("bad/nothing.ts")).toMatch(/exports no metric or source/);
    expect(problem("bad/duplicate.ts")).toMatch(/key: metric "sessions" is already defined in .*a\/sessions\.ts/);
    for (const p of c.problems) {
      expect(p.file).toMatch(/^metric-files-[^/]+\/bad\//); // named by folder, never by absolute path
      expect(p.message).not.toContain(tmpdir());
    }
  });

  it("a ratio over a refused metric says why", async () => {
    const dir = folder({
      "a.ts": `export default defineEventMetric({ key: "broken", name: "B", statistic: "mean", events: ["x"], aggregate: "sum", column: "nope" });`,
      "b.ts": `export default defineRatioMetric({ key: "per", name: "P", numerator: "broken", denominator: "broken" });`,
    });
    const c = await loadCatalog(dir);
    expect(c.metrics.size).toBe(0);
    expect(c.problems.find((p) => p.key === "per")?.message).toMatch(/numerator: metric "broken" was refused \(.*a\.ts: column: source "events" has no column "nope"/);
  });

  it("a new, changed or removed file is seen within seconds, without a restart", async () => {
    const dir = folder({ "sessions.ts": sessions });
    expect([...(await loadCatalog(dir)).metrics.keys()]).toEqual(["sessions"]);
    write(dir, "new/shares.ts", `export default defineEventMetric({ key: "shares", name: "Shares", statistic: "proportion", events: ["share"], aggregate: "count" });`);
    await later();
    expect([...(await loadCatalog(dir)).metrics.keys()].sort()).toEqual(["sessions", "shares"]);
    write(dir, "sessions.ts", sessions.replace('name: "Sessions"', 'name: "Sessions per user"'));
    utimesSync(path.join(dir, "sessions.ts"), new Date(), new Date(Date.now() + 5000)); // a changed time even within the same second
    await later();
    expect((await loadCatalog(dir)).metrics.get("sessions")?.name).toBe("Sessions per user");
    rmSync(path.join(dir, "new"), { recursive: true });
    await later();
    expect([...(await loadCatalog(dir)).metrics.keys()]).toEqual(["sessions"]);
  });

  it("a metrics folder that does not exist is named as a problem", async () => {
    const c = await loadCatalog(path.join(tmpdir(), `no-metrics-here-${Date.now()}`));
    expect(c.metrics.size).toBe(0);
    expect(c.problems.map((p) => p.message)).toEqual(["the metrics folder does not exist (METRICS_DIR)"]);
  });

  it("does not re-read an unchanged folder", async () => {
    const dir = folder({ "sessions.ts": sessions });
    const first = await loadCatalog(dir);
    await later();
    expect(await loadCatalog(dir)).toBe(first);
  });
});
