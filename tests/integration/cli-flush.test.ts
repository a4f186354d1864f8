import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWithSlowReader } from "../support/slow-reader";
import { useTempEnvironment } from "../support/temp-env";

// Issue 9, finding 3: a CLI's output piped to a slow reader must arrive whole. process.exit() right
// after a write used to drop what the pipe (64 KiB) had not taken yet: `analyze --json | jq` failed.
const env = useTempEnvironment("cli-flush");
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
const RUNS = 10;

beforeAll(() => {
  // 28 days and three arms make the results document (~95 KB) larger than a pipe's 64 KiB buffer
  const seeded = spawnSync(tsx, ["scripts/seed.ts", "--users", "2000", "--days", "28", "--seed", "9"], { env: process.env, encoding: "utf8" });
  expect(seeded.status, seeded.stderr).toBe(0);
}, 120_000);
afterAll(() => env.cleanup());

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("CLI output through a slow pipe", () => {
  it(`analyze --json is complete, parseable JSON in ${RUNS} of ${RUNS} runs`, async () => {
    let complete = 0;
    let size = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await runWithSlowReader(tsx, ["scripts/analyze.ts", "onboarding-three-arm", "--json"], process.env);
      expect(r.code, r.stderr).toBe(0);
      if (parses(r.stdout)) complete++;
      size = r.stdout.length;
    }
    expect(size).toBeGreaterThan(80 * 1024); // well past the pipe, else the test could not fail
    expect(complete).toBe(RUNS);
  }, 120_000);

  it.each(["ok", "fail"])(`a main() CLI that exits %s after 300 KB delivers all of it with its exit code, ${RUNS} of ${RUNS}`, async (mode) => {
    const runs = await Promise.all(
      Array.from({ length: RUNS }, () => runWithSlowReader(tsx, ["tests/support/cli-fixtures/large-output.ts", "300000", mode], process.env)),
    );
    for (const r of runs) {
      expect(r.code).toBe(mode === "ok" ? 0 : 3);
      expect(r.stderr).toBe(mode === "ok" ? "" : "large-output: failing on purpose after the output\n");
      expect(r.stdout.length).toBeGreaterThan(300_000);
      expect(parses(r.stdout)).toBe(true);
    }
  }, 120_000);

  it("a reader that stops early (| head) ends the CLI quietly, without a stack trace", async () => {
    const child = spawn(tsx, ["tests/support/cli-fixtures/large-output.ts", "1000000"], { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  }, 60_000);
});
