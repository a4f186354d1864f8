import { spawn, type ChildProcess } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2eEnv } from "../../playwright.config";
import { signIn } from "./support/auth";

// Background analyses in the browser: the run is followed live and can be cancelled, and a
// failure that is not the warehouse's shows a reference, not its internals.

/** Another process takes the warehouse file (it waits until the server has let go of it). */
async function holdWarehouse(): Promise<ChildProcess> {
  const holder = spawn(path.join(process.cwd(), "node_modules", ".bin", "tsx"), ["tests/support/hold-warehouse.ts", e2eEnv.DUCKDB_PATH], { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on("data", (c: Buffer) => c.toString().includes("held") && resolve());
    holder.on("exit", (code) => reject(new Error(`the warehouse holder exited (${code})`)));
  });
  return holder;
}

function release(holder: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (holder.exitCode !== null) return resolve();
    holder.once("exit", () => resolve());
    holder.kill("SIGTERM");
  });
}

test("the page follows a run live (running, what it waits for, elapsed time) and Cancel stops it", async ({ page }) => {
  const holder = await holdWarehouse();
  try {
    await signIn(page, "editor", "/experiments/onboarding-three-arm");
    await page.getByRole("button", { name: "Refresh analysis" }).click();
    const status = page.getByTestId("run-status");
    await expect(status).toHaveAttribute("data-status", "running");
    await expect(status).toContainText(/Running for \d+(\.\d)? (ms|s): opening the warehouse/);
    const first = await status.innerText();
    await expect(status).not.toHaveText(first); // the elapsed time moves
    await expect(page.getByRole("button", { name: "Analysing…" })).toBeDisabled();
    await status.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByTestId("run-message")).toHaveText("Analysis cancelled (cancelled by editor@e2e.test).", { timeout: 10_000 });
    await expect(status).toHaveCount(0);
    const history = page.getByTestId("snapshot-history").locator("tbody tr").first();
    await expect(history).toHaveAttribute("data-status", "cancelled");
    const activity = page.getByTestId("activity-log").locator("tbody tr");
    await expect(activity.first()).toHaveAttribute("data-action", "cancelled");
    await expect(activity.first()).toContainText("editor@e2e.test");
    // the run is named by its number within the experiment, as the history names it
    const number = (await history.locator("th").first().innerText()).match(/#(\d+)/)?.[1];
    expect(number).toBeDefined();
    await expect(activity.first()).toContainText(`snapshot #${number} cancelled while`);
    await expect(activity.nth(1)).toHaveAttribute("data-action", "analysed");
    await expect(activity.nth(1)).toContainText(`snapshot #${number} started (refresh)`);
  } finally {
    await release(holder);
  }
});

test("a failure that is not the warehouse's shows a reference on the page, never a path or an error code", async ({ page }) => {
  const holder = await holdWarehouse(); // the server has closed the file: it opens it anew below
  const spillParent = `${e2eEnv.DUCKDB_PATH}.tmp`;
  try {
    rmSync(spillParent, { recursive: true, force: true });
    writeFileSync(spillParent, "a file where the spill folder goes");
    await release(holder);
    await signIn(page, "editor", "/experiments/button-color-aa");
    await page.getByRole("button", { name: "Refresh analysis" }).click();
    const banner = page.getByTestId("failure-banner");
    await expect(banner).toBeVisible({ timeout: 30_000 });
    await expect(banner.locator("pre")).toHaveText(/^the analysis failed: an internal error occurred \(reference [0-9a-f]{8}; the details are in the server log\)$/);
    await expect(page.getByTestId("run-message")).toContainText("reference");
    const text = await page.locator("body").innerText();
    expect(text).not.toMatch(/ENOTDIR|\/tmp\/|data\/e2e|\bat \S+:\d+:\d+/);
  } finally {
    await release(holder);
    rmSync(spillParent, { recursive: true, force: true });
  }
  // the next analysis is fine again
  await page.getByRole("button", { name: "Refresh analysis" }).click();
  await expect(page.getByTestId("failure-banner")).toHaveCount(0, { timeout: 30_000 });
});
