import { spawn } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2eEnv } from "../../playwright.config";

// Issue 9: the stress script (scripts/stress.ts), small sizes, against the e2e server: concurrent
// refreshes of several experiments, CLI analyses on the same files and page loads for a bounded
// time; then no crash, no run left queued or running, every run succeeded or failed with a message.

interface Summary {
  refreshes: { count: number; byOutcome: Record<string, number> };
  cliAnalyses: { count: number; byOutcome: Record<string, number> };
  pageLoads: { count: number; byOutcome: Record<string, number> };
  runs: { total: number; byStatus: Record<string, number> };
  violations: string[];
}

test("concurrent refreshes, CLI analyses and page loads: no crash, no stuck run, every run ends with an outcome", async ({ baseURL }) => {
  test.setTimeout(240_000);
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const args = ["scripts/stress.ts", "--url", baseURL!, "--seconds", "25", "--refreshers", "3", "--clis", "2", "--pagers", "2"];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(tsx, args, { env: { ...process.env, ...e2eEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("close", (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const summary = JSON.parse(stdout) as Summary;
  expect(summary.violations, stderr).toEqual([]);
  expect(code, stderr).toBe(0);
  expect(summary.refreshes.count).toBeGreaterThan(0);
  expect(summary.cliAnalyses.count).toBeGreaterThan(0);
  expect(summary.pageLoads.count).toBeGreaterThan(0);
  // refreshes and CLI analyses both made runs, and most of them got through
  expect(summary.runs.total).toBeGreaterThanOrEqual(2);
  expect(summary.runs.byStatus.succeeded ?? 0).toBeGreaterThan(0);
});
