import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support/auth";

// Creating and editing experiments in the UI, analysing them, and the analysis history / SQL view.

const suffix = Date.now().toString(36);

// creating and editing need an editor: signed in through the real form
test.beforeEach(async ({ page }) => signIn(page, "editor"));

async function experimentIds(page: Page): Promise<string[]> {
  const body = await (await page.request.get("/api/experiments")).json();
  return (body.experiments as { id: string }[]).map((e) => e.id);
}

test("invalid input shows a message next to each field and saves nothing", async ({ page }) => {
  const before = await experimentIds(page);
  await page.goto("/experiments/new");
  await page.getByLabel("Id", { exact: true }).fill("Not A Slug!");
  await page.getByLabel("Name", { exact: true }).fill("");
  await page.getByLabel("End date").fill("2026-09-01");
  await page.getByLabel("Start date").fill("2026-10-01");
  await page.getByLabel("Metric window (days)").fill("zero");
  await page.getByRole("textbox", { name: "Variant 2 weight" }).fill("0");
  await page.getByRole("textbox", { name: "Variant 2 key" }).fill("control"); // duplicate key
  await page.getByRole("button", { name: "Create experiment" }).click();

  await expect(page.locator("#form-summary")).toContainText("Some fields need attention");
  const error = (path: string) => page.locator(`.field-error[data-field="${path}"]`);
  await expect(error("id")).toContainText("lower-case letters");
  await expect(error("name")).toContainText("Give the experiment a name");
  await expect(error("endDate")).toContainText("before the start date");
  await expect(error("windowDays")).toContainText("whole number of days");
  await expect(error("variants.1.weight")).toContainText("greater than 0");
  await expect(error("variants.1.key")).toContainText("used twice");
  await expect(error("metrics")).toContainText("at least one metric");
  // the message sits with its field, and the field says it is invalid
  await expect(page.getByLabel("Id", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Id", { exact: true })).toHaveAttribute("aria-describedby", /f-id-error/);
  await expect(page).toHaveURL(/\/experiments\/new$/);
  expect(await experimentIds(page)).toEqual(before);
  const text = await page.locator("body").innerText();
  expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

  // a duplicate id is refused too
  await page.getByLabel("Id", { exact: true }).fill("checkout-redesign");
  await page.getByLabel("Name", { exact: true }).fill("Copy");
  await page.getByLabel("End date").fill("");
  await page.getByLabel("Metric window (days)").fill("");
  await page.getByRole("textbox", { name: "Variant 2 weight" }).fill("1");
  await page.getByRole("textbox", { name: "Variant 2 key" }).fill("treatment");
  await page.getByLabel("Purchase conversion").selectOption("primary");
  await page.getByRole("button", { name: "Create experiment" }).click();
  await expect(page.locator('.field-error[data-field="id"]')).toContainText("already exists");
  expect(await experimentIds(page)).toEqual(before);
});

test("create an experiment, analyse it, see results, edit it, and see a failed run next to the last good one", async ({ page }) => {
  const id = `checkout-copy-${suffix}`;
  await page.goto("/experiments");
  await page.getByRole("link", { name: "New experiment" }).click();
  await expect(page).toHaveURL(/\/experiments\/new$/);
  await page.getByLabel("Id", { exact: true }).fill(id);
  await page.getByLabel("Name", { exact: true }).fill("Checkout copy");
  await page.getByLabel("Owner").fill("e2e");
  await page.getByLabel("Status").selectOption("running");
  await page.getByLabel("Hypothesis").fill("Same exposures as the checkout redesign.");
  await page.getByLabel("Start date").fill("2026-10-01");
  await page.getByLabel("End date").fill("2026-10-28");
  // before saving, the form shows what the warehouse holds: nothing under the new id …
  const preview = page.getByTestId("exposure-preview");
  await expect(preview.getByTestId("preview-empty")).toContainText("No exposures", { timeout: 15_000 });
  // … and the logged variants, with their users, under the right key
  await page.getByLabel("Exposure key").fill("checkout-redesign");
  await expect(preview.getByTestId("preview-table").locator("tbody tr")).toHaveCount(2, { timeout: 15_000 });
  await expect(preview.getByTestId("preview-table")).toContainText("treatment");
  await expect(preview.getByTestId("preview-table").locator("tbody tr").first()).toContainText(/\d{2},\d{3}/);
  await expect(preview.getByTestId("preview-missing")).toHaveCount(0);
  // weights as the shares they become
  await page.getByRole("textbox", { name: "Variant 1 weight" }).fill("60");
  await page.getByRole("textbox", { name: "Variant 2 weight" }).fill("30");
  await expect(page.getByTestId("share-0")).toHaveText("66.7%");
  await expect(page.getByTestId("share-1")).toHaveText("33.3%");
  await page.getByRole("textbox", { name: "Variant 1 weight" }).fill("1");
  await page.getByRole("textbox", { name: "Variant 2 weight" }).fill("1");
  await expect(page.getByTestId("share-1")).toHaveText("50.0%");
  await page.getByRole("textbox", { name: "Variant 2 name" }).fill("One-page checkout");
  await page.getByLabel("Purchase conversion").selectOption("primary");
  await page.getByLabel("Sessions per user").selectOption("guardrail");
  await page.getByRole("button", { name: "Create experiment" }).click();

  await expect(page).toHaveURL(new RegExp(`/experiments/${id}$`));
  await expect(page.getByRole("heading", { name: "Checkout copy" })).toBeVisible();
  await expect(page.getByTestId("not-analysed")).toBeVisible();
  expect(await experimentIds(page)).toContain(id);

  await page.getByRole("button", { name: "Analyse now" }).click();
  const purchases = page.getByTestId("row-purchases-treatment");
  await expect(purchases).toBeVisible({ timeout: 30_000 });
  await expect(purchases).toHaveAttribute("data-verdict", "win");
  await expect(page.getByTestId("row-sessions-treatment")).toBeVisible();
  await expect(page.getByTestId("decision-title")).toHaveText("Ship One-page checkout");
  await expect(page.getByTestId("forest-plot").locator(".recharts-scatter-symbol")).toHaveCount(2);
  await expect(page.getByTestId("snapshot-history").locator("tbody tr")).toHaveCount(1);
  // same exposures and metric as the demo experiment: the same lift
  const original = await (await page.request.get("/api/experiments/checkout-redesign/results")).json();
  const copy = await (await page.request.get(`/api/experiments/${id}/results`)).json();
  const lift = (doc: { rows: { metricKey: string; relative: { estimate: number } }[] }) =>
    doc.rows.find((r) => r.metricKey === "purchases")?.relative.estimate;
  expect(lift(copy)).toBeCloseTo(lift(original) as number, 10);

  // edit: the form shows the saved values; a bad value is refused in place
  await page.getByRole("link", { name: "Edit experiment" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Checkout copy");
  await expect(page.getByLabel("Id", { exact: true })).toHaveAttribute("readonly", "");
  await expect(page.getByLabel("Purchase conversion")).toHaveValue("primary");
  await page.getByLabel("Exposure table").fill("no such table");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.locator('.field-error[data-field="exposureSource"]')).toContainText("table name");
  // a table that does not exist is valid input but fails in the warehouse
  await page.getByLabel("Exposure table").fill("missing_exposures");
  await page.getByLabel("Name", { exact: true }).fill("Checkout copy (edited)");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`/experiments/${id}$`));
  await expect(page.getByRole("heading", { name: "Checkout copy (edited)" })).toBeVisible();
  // the activity log has who changed what, field by field
  const edited = page.getByTestId("activity-log").locator('tr[data-action="edited"]').first();
  await expect(edited).toContainText("editor@e2e.test");
  await expect(edited).toContainText("name: “Checkout copy” → “Checkout copy (edited)”");
  await expect(edited).toContainText("exposureSource: “exposures” → “missing_exposures”");
  await expect(page.getByTestId("activity-log").locator('tr[data-action="created"]')).toContainText("editor@e2e.test");

  await page.getByRole("button", { name: "Refresh analysis" }).click();
  const failure = page.getByTestId("failure-banner");
  await expect(failure).toBeVisible({ timeout: 30_000 });
  await expect(failure).toContainText("missing_exposures");
  await expect(failure).toContainText("last successful analysis");
  await expect(page.getByTestId("row-purchases-treatment")).toBeVisible(); // the last good result stays
  const history = page.getByTestId("snapshot-history").locator("tbody tr");
  await expect(history).toHaveCount(2);
  await expect(history.first()).toHaveAttribute("data-status", "failed");
  await expect(history.nth(1)).toHaveAttribute("data-status", "succeeded");
});

test("history lists snapshots with cost, and the SQL view shows the exact query and its parameters", async ({ page }) => {
  await page.goto("/experiments/checkout-redesign");
  const history = page.getByTestId("snapshot-history");
  await expect(history.locator("tbody tr").first()).toContainText("succeeded");
  await expect(history.locator("thead")).toContainText("Bytes scanned");
  await expect(history.locator("tbody tr").first()).toContainText(/\d+(\.\d)? (ms|s)/);
  await history.locator("tbody tr").first().getByRole("link", { name: /SQL/ }).click();
  await expect(page).toHaveURL(/\/experiments\/checkout-redesign\/snapshots\/\d+#sql-heading$/);
  await expect(page.getByRole("heading", { name: /snapshot #\d+/ })).toBeVisible();
  const sql = page.getByTestId("snapshot-sql");
  await expect(sql).toContainText("SELECT");
  await expect(sql).toContainText("first_exposure");
  await expect(page.getByTestId("snapshot-parameters")).toContainText("experiment_key");
  await expect(page.getByTestId("snapshot-parameters")).toContainText("checkout-redesign");
  const res = await page.goto("/experiments/checkout-redesign/snapshots/999999");
  expect(res?.status()).toBe(404);
});
