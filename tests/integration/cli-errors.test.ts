import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../support/temp-env";

// What the CLIs print when something goes wrong (issue 9, findings 9 and 11), run as a user runs them.
const env = useTempEnvironment("cli-errors");
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");

function run(script: string, args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(tsx, [path.join("scripts", script), ...args], { env: { ...process.env, ...extraEnv }, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const seeded = run("seed.ts", ["--users", "1000", "--days", "14", "--seed", "11"]);
  expect(seeded.code, seeded.stderr).toBe(0);
}, 120_000);
afterAll(() => env.cleanup());

describe("analyze --sql", () => {
  it("prints a stored id with a line break inside its comment, not as a line of SQL", async () => {
    const { prisma } = await import("@/lib/db");
    // only possible by writing the database directly: saveExperiment refuses such an id
    const id = "probe\nDROP TABLE events;\u2028DELETE FROM exposures;";
    await prisma.experiment.create({
      data: {
        id,
        name: "probe",
        startDate: "2026-10-01",
        endDate: "2026-10-14",
        controlVariant: "control",
        variants: { create: [{ key: "control", name: "C" }, { key: "treatment", name: "T", position: 1 }] },
        metrics: { create: [{ metricKey: "purchases", role: "primary" }] },
      },
    });
    const r = run("analyze.ts", [id, "--sql"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split(/\r\n|[\n\r\u2028\u2029]/);
    const injected = lines.filter((l) => /DROP TABLE|DELETE FROM/.test(l));
    expect(injected.length).toBeGreaterThanOrEqual(2); // the header and the experiment_key parameter
    for (const line of injected) expect(line).toMatch(/^--/);
    expect(r.stdout.split("\n")[0]).toBe("-- analysis of probe\\u{a}DROP TABLE events;\\u{2028}DELETE FROM exposures; (duckdb), phase 0: 2026-10-01 to 2026-10-14");
  });
});

describe("a CLI's top-level error", () => {
  it("a fault: one plain line with a reference; the stack goes to the log file it names", () => {
    const notAFile = path.join(env.dir, "a-folder");
    mkdirSync(notAFile);
    const r = run("analyze.ts", ["--list"], { DATABASE_URL: `file:${notAFile}` });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    const m = lines[0]!.match(/^error: the command failed: an internal error occurred \(reference ([0-9a-f]{8}); the details are in (.+)\)$/);
    expect(m, r.stderr).not.toBeNull();
    expect(r.stderr).not.toContain(notAFile);
    const log = readFileSync(m![2]!, "utf8");
    const entry = log.slice(log.lastIndexOf(`[error ${m![1]}]`));
    expect(entry).toContain(notAFile); // the details, for whoever runs the tool
    expect(entry).toMatch(/\n\s+at .+migrate/); // with the stack
  });

  it("a message written for people is printed as it is", async () => {
    const { prisma } = await import("@/lib/db");
    await prisma.experiment.update({ where: { id: "checkout-redesign" }, data: { endDate: "9999-12-31" } });
    const r = run("analyze.ts", ["checkout-redesign"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^error: experiment checkout-redesign \(2026-10-01 → 9999-12-31\) cannot be analysed: The end date must be between 2000-01-01 and 2100-12-31$/,
    );
  });
});
