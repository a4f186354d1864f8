import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { e2eEnv } from "../../playwright.config";
import { signIn } from "./support/auth";

// A metric file added to the running server's metrics folder is offered in the experiment editor
// within seconds, without a restart or a rebuild; a file with a mistake is refused on the page,
// naming the file and the field, while every other metric is still offered.

const dir = path.join(e2eEnv.METRICS_DIR, "e2e");
const suffix = Date.now().toString(36);
const key = `checkout_opens_${suffix}`;

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));
// the editor is for editors
test.beforeEach(async ({ page }) => signIn(page, "editor"));

function writeMetric(file: string, body: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), `import { defineEventMetric } from "@/lib/metrics/define";\n\nexport default defineEventMetric(${body});\n`);
}

/** Reloads the page until `check` passes: the server looks at the folder at most once a second. */
async function eventually(page: Page, url: string, check: () => Promise<void>) {
  await expect(async () => {
    await page.goto(url);
    await check();
  }).toPass({ timeout: 15_000, intervals: [500, 1000] });
}

test("a new metric file is offered in the editor without restarting the server", async ({ page }) => {
  await page.goto("/experiments/new");
  const name = `Checkout screens opened ${suffix}`;
  await expect(page.getByLabel(name)).toHaveCount(0);

  writeMetric(`${key}.ts`, `{ key: "${key}", name: "${name}", description: "Added while the server runs.", statistic: "mean", events: ["add_to_cart"], aggregate: "count" }`);
  await eventually(page, "/experiments/new", async () => {
    await expect(page.getByLabel(name)).toBeVisible({ timeout: 1000 });
  });
  await expect(page.getByText(`${key} · mean · Added while the server runs.`)).toBeVisible();
  // the edit page of an existing experiment offers it too
  await page.goto("/experiments/checkout-redesign/edit");
  await expect(page.getByLabel(name)).toBeVisible();
});

test("a metric file with a mistake is refused, naming the file and the field; the others are still offered", async ({ page }) => {
  writeMetric("broken-window.ts", `{ key: "broken_window_${suffix}", name: "Broken", statistic: "proportion", events: ["session_start"], aggregate: "count", window: { fromDay: 7, toDay: 3 } }`);
  await eventually(page, "/experiments/new", async () => {
    await expect(page.getByTestId("refused-metrics")).toContainText("broken-window.ts", { timeout: 1000 });
  });
  const notice = page.getByTestId("refused-metrics");
  await expect(notice).toContainText("window.toDay: must be greater than fromDay (7); got 3");
  await expect(notice).not.toContainText(process.cwd()); // no absolute paths on the page
  await expect(page.getByLabel("Purchase conversion")).toBeVisible();
  await expect(page.getByLabel("Average order value")).toBeVisible();

  rmSync(path.join(dir, "broken-window.ts"));
  await eventually(page, "/experiments/new", async () => {
    await expect(page.getByTestId("refused-metrics")).toHaveCount(0, { timeout: 1000 });
  });
});

test("the new metric types read sensibly on a results page: a ratio with its interval, a quantile with its value", async ({ page }) => {
  await page.goto("/experiments/checkout-upsell");
  const aov = page.getByTestId("row-aov-addons");
  await expect(aov.locator(".metric-cell")).toContainText("ratio");
  // a bound close to zero keeps the decimals that show its side of zero ("+0.02%")
  await expect(aov.locator("td.lift .lift-rel")).toHaveText(/^[+-]?\d+\.\d% \[[+-]?\d+\.\d+%, [+-]?\d+\.\d+%\]$/);
  await expect(aov.locator("td.lift .lift-abs")).toHaveText(/^[+-]?\$\d+\.\d{2} \[[+-]?\$\d+\.\d{2}, [+-]?\$\d+\.\d{2}\]$/); // money, in its currency
  const p90 = page.getByTestId("row-order_value_p90-addons");
  await expect(p90.locator(".metric-cell")).toContainText("p90");
  await expect(p90.locator("td.value-control")).toHaveText(/^\$\d+(,\d{3})*\.\d{2}$/); // an amount of money
  const retention = page.getByTestId("row-d7_retained-addons");
  await expect(retention.locator("td.value-control")).toHaveText(/^\d+\.\d+%$/);
  await expect(retention.locator("td.lift .lift-abs")).toContainText(" pp ");
  const text = await page.locator("body").innerText();
  expect(text).not.toMatch(/\bNaN\b|\bundefined\b|\bInfinity\b/);
});
