import { expect, test, type Page } from "@playwright/test";
import { bearer, signIn } from "./support/auth";

async function expectNoBrokenValues(page: Page) {
  const text = await page.locator("body").innerText();
  expect(text).not.toMatch(/\bNaN\b|\bundefined\b|\bInfinity\b/);
  expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack traces
}

test("the list shows every demo experiment with users and a headline", async ({ page }) => {
  await page.goto("/experiments");
  await expect(page.getByRole("heading", { name: "Experiments" })).toBeVisible();
  const rows = page.locator("tbody tr");
  // the six demo experiments (the editor tests may add more)
  for (const name of ["Checkout redesign", "Feed video autoplay", "Button colour A/A", "Onboarding flow", "Add-ons at checkout", "Pricing banner"]) {
    await expect(rows.filter({ hasText: name })).toHaveCount(1);
  }
  const winner = rows.filter({ hasText: "Checkout redesign" });
  await expect(winner).toContainText("Purchase conversion");
  await expect(winner).toContainText(/\d{2},\d{3}/); // users, formatted
  await expect(rows.filter({ hasText: "Pricing banner" })).toContainText("sample ratio mismatch");
  await expectNoBrokenValues(page);
});

test("a dashboard shows users, the forest plot and a table per metric", async ({ page }) => {
  await page.goto("/experiments");
  await page.getByRole("link", { name: "Checkout redesign" }).click();
  await expect(page).toHaveURL(/\/experiments\/checkout-redesign$/);
  await expect(page.getByRole("heading", { name: "Checkout redesign" })).toBeVisible();
  await expect(page.getByText("A one-page checkout raises purchase conversion.")).toBeVisible();

  const users = page.getByTestId("users-table");
  await expect(users.locator("tbody tr")).toHaveCount(2);
  expect(Number((await page.getByTestId("excluded-users").innerText()).replace(/,/g, ""))).toBeGreaterThan(0);

  const plot = page.getByTestId("forest-plot");
  await expect(plot.locator("svg.recharts-surface")).toBeVisible();
  await expect(plot.locator(".recharts-scatter-symbol")).toHaveCount(5); // 5 metrics × 1 treatment
  await expect(plot.locator(".recharts-reference-line")).toHaveCount(1); // the zero line
  await expect(plot).toContainText("Purchase conversion");

  const purchases = page.getByTestId("metric-purchases");
  await expect(purchases).toContainText("One-page checkout");
  await expect(purchases.locator("tbody tr")).toHaveAttribute("data-verdict", "win");
  for (const key of ["revenue", "add_to_cart", "sessions", "d7_retained"]) await expect(page.getByTestId(`metric-${key}`)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Guardrail metrics" })).toBeVisible();
  await expectNoBrokenValues(page);
});

test("the SRM banner explains a broken split", async ({ page }) => {
  await page.goto("/experiments/pricing-banner-srm");
  await expect(page.getByTestId("srm-banner")).toContainText("Sample ratio mismatch");
  await page.goto("/experiments/checkout-redesign");
  await expect(page.getByTestId("srm-banner")).toHaveCount(0);
});

test("every demo dashboard renders without broken values", async ({ page }) => {
  for (const id of ["checkout-redesign", "feed-autoplay", "button-color-aa", "onboarding-three-arm", "checkout-upsell", "pricing-banner-srm"]) {
    const res = await page.goto(`/experiments/${id}`);
    expect(res?.status(), id).toBe(200);
    await expect(page.getByTestId("forest-plot").locator("svg.recharts-surface")).toBeVisible();
    await expectNoBrokenValues(page);
  }
});

test("Refresh analysis runs a new snapshot", async ({ page, request }) => {
  await signIn(page, "editor", "/experiments/button-color-aa");
  const before = await (await request.get("/api/experiments/button-color-aa/results")).json();
  await page.getByRole("button", { name: "Refresh analysis" }).click();
  // followed live until it has finished, then the page shows the new snapshot
  await expect(page.getByTestId("run-status")).toBeVisible();
  await expect(page.getByTestId("run-status")).toBeHidden({ timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Refresh analysis" })).toBeEnabled();
  await expect(page.getByTestId("snapshot-history").locator("tbody tr").first().locator("th")).toContainText("shown");
  const after = await (await request.get("/api/experiments/button-color-aa/results")).json();
  expect(after.snapshot.id).toBeGreaterThan(before.snapshot.id);
  expect(after.metrics[0].variants[1].relative.estimate).toBeCloseTo(before.metrics[0].variants[1].relative.estimate, 10);
});

test("an unknown experiment is a proper 404 page", async ({ page, request }) => {
  const res = await page.goto("/experiments/does-not-exist");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  expect((await request.get("/api/experiments/does-not-exist/results")).status()).toBe(404);
  expect((await request.post("/api/experiments/does-not-exist/refresh", { headers: bearer("write") })).status()).toBe(404);
});
