import { expect, test, type Page } from "@playwright/test";
import { bearer, signIn } from "./support/auth";

async function expectNoBrokenValues(page: Page) {
  const text = await page.locator("body").innerText();
  expect(text).not.toMatch(/\bNaN\b|\bundefined\b|\bInfinity\b/);
  expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack traces
}

test("the list shows every demo experiment with its status, best arm and users", async ({ page }) => {
  await page.goto("/experiments");
  await expect(page.getByRole("heading", { name: "Experiments" })).toBeVisible();
  const rows = page.getByTestId("experiment-list").locator("tbody tr");
  // the six demo experiments (the editor tests may add more)
  for (const name of ["Checkout redesign", "Feed video autoplay", "Button colour A/A", "Onboarding flow", "Add-ons at checkout", "Pricing banner"]) {
    await expect(rows.filter({ hasText: name })).toHaveCount(1);
  }
  const winner = page.getByTestId("experiment-checkout-redesign");
  await expect(winner).toContainText("Purchase conversion");
  await expect(winner).toContainText(/\d{2},\d{3}/); // users, formatted
  await expect(page.getByTestId("experiment-pricing-banner-srm").locator(".status-chip")).toHaveText("Unreliable data");
  await expect(page.getByTestId("experiment-pricing-banner-srm")).toContainText("Sample ratio mismatch");
  await expectNoBrokenValues(page);
});

test("a dashboard leads with the decision, then one aligned table per role", async ({ page }) => {
  await page.goto("/experiments");
  await page.getByRole("link", { name: "Checkout redesign" }).click();
  await expect(page).toHaveURL(/\/experiments\/checkout-redesign$/);
  await expect(page.getByRole("heading", { name: "Checkout redesign", level: 1 })).toBeVisible();
  await expect(page.getByText("A one-page checkout raises purchase conversion.")).toBeVisible();
  await expect(page.getByTestId("decision-title")).toHaveText("Ship One-page checkout");
  await expect(page.getByTestId("decision-reasons")).toContainText("Purchase conversion improved with One-page checkout");
  // the decision comes before the tables
  const decisionY = (await page.getByTestId("decision").boundingBox())!.y;
  const tableY = (await page.getByTestId("results-primary").boundingBox())!.y;
  expect(decisionY).toBeLessThan(tableY);

  // the same columns (and widths) in every role's table
  const widths = async (testId: string) => page.getByTestId(testId).locator("thead th").evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
  const primary = await widths("results-primary");
  expect(await widths("results-secondary")).toEqual(primary);
  expect(await widths("results-guardrail")).toEqual(primary);

  await expect(page.getByTestId("row-purchases-treatment")).toHaveAttribute("data-verdict", "win");
  for (const key of ["revenue", "add_to_cart", "sessions", "d7_retained"]) await expect(page.getByTestId(`row-${key}-treatment`)).toBeVisible();
  // one interval bar per row
  await expect(page.locator("[data-testid^=results-] svg.interval-bar")).toHaveCount(5);

  const plot = page.getByTestId("forest-plot");
  await expect(plot.locator("svg.recharts-surface")).toBeVisible();
  await expect(plot.locator(".recharts-scatter-symbol")).toHaveCount(5); // 5 metrics × 1 treatment
  await expect(plot.locator(".recharts-reference-line")).toHaveCount(1); // the zero line
  await expect(plot).toContainText("Purchase conversion");
  await expectNoBrokenValues(page);
});

test("a sample ratio mismatch makes the data unreliable: no row reads as a win", async ({ page }) => {
  await page.goto("/experiments/pricing-banner-srm");
  await expect(page.getByTestId("decision-title")).toHaveText("Unreliable data");
  await expect(page.getByTestId("decision-reasons")).toContainText("Sample ratio mismatch");
  await expect(page.getByTestId("health-srm")).toHaveAttribute("data-level", "fail");
  await expect(page.locator(".verdict.win")).toHaveCount(0);
  await expect(page.locator("[data-testid^=results-] tbody tr[data-tone=unreliable]")).toHaveCount(3);
  // the forest plot draws nothing green either (once drawn: recharts draws after it has measured its box)
  await expect(page.getByTestId("forest-plot").locator(".recharts-scatter-symbol").first()).toBeVisible();
  const fills = await page.getByTestId("forest-plot").locator(".recharts-scatter-symbol *").evaluateAll((els) => els.map((e) => e.getAttribute("fill")));
  expect(fills.length).toBeGreaterThan(0);
  expect(fills).not.toContain("#00805a");
  await page.goto("/experiments/checkout-redesign");
  await expect(page.getByTestId("health-srm")).toHaveAttribute("data-level", "ok");
});

test("every demo dashboard renders without broken values", async ({ page }) => {
  for (const id of ["checkout-redesign", "feed-autoplay", "button-color-aa", "onboarding-three-arm", "checkout-upsell", "pricing-banner-srm"]) {
    const res = await page.goto(`/experiments/${id}`);
    expect(res?.status(), id).toBe(200);
    await expect(page.getByTestId("forest-plot").locator("svg.recharts-surface")).toBeVisible();
    await expectNoBrokenValues(page);
  }
});

test("Refresh analysis runs a new snapshot, numbered within the experiment", async ({ page, request }) => {
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
  expect(after.snapshot.number).toBe(before.snapshot.number + 1);
  expect(after.metrics[0].variants[1].relative.estimate).toBeCloseTo(before.metrics[0].variants[1].relative.estimate, 10);
  await expect(page.getByTestId("snapshot-history").locator("tbody tr").first()).toContainText(`#${after.snapshot.number}`);
});

test("an unknown experiment is a proper 404 page", async ({ page, request }) => {
  const res = await page.goto("/experiments/does-not-exist");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  expect((await request.get("/api/experiments/does-not-exist/results")).status()).toBe(404);
  expect((await request.post("/api/experiments/does-not-exist/refresh", { headers: bearer("write") })).status()).toBe(404);
});
