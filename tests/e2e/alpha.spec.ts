import { expect, test } from "@playwright/test";

// Issue 9, finding 8: `?alpha=1e-17` was accepted; the page said "100% intervals" and listed 16
// "non-finite value (NaN) replaced by null" notes. Now alpha has one range, [0.001, 0.5], in the URL,
// the JSON API and the stats CLI; a bad one falls back to the default with a note the visitor sees.
const NOTE = 'alpha "1e-17" is not a number in [0.001, 0.5]; showing the default alpha = 0.05 (95% intervals)';

test("an alpha outside [0.001, 0.5] in the URL falls back to 0.05 with a visible note, on the page and in the API", async ({ page }) => {
  await page.goto("/experiments/checkout-redesign?alpha=1e-17");
  await expect(page.getByTestId("view-note")).toHaveText(NOTE);
  await expect(page.getByTestId("results-primary").locator("thead")).toContainText("95% CI");
  await expect(page.getByTestId("view-controls").getByLabel("Alpha")).toHaveValue("0.05");
  const text = await page.locator("body").innerText();
  expect(text).not.toMatch(/100% (CI|intervals)|non-finite|\bNaN\b/);

  const api = await (await page.request.get("/api/experiments/checkout-redesign/results?alpha=1e-17")).json();
  expect(api.view.alpha).toBe(0.05);
  expect(api.viewNotes).toEqual([NOTE]);
  expect(api.warnings.join("\n")).not.toMatch(/non-finite/);

  // the range's ends are used as given, without a note
  await page.goto("/experiments/checkout-redesign?alpha=0.001");
  await expect(page.getByTestId("results-primary").locator("thead")).toContainText("99.9% CI");
  await expect(page.getByTestId("view-note")).toHaveCount(0);
  const ok = await (await page.request.get("/api/experiments/checkout-redesign/results?alpha=0.5")).json();
  expect(ok.view.alpha).toBe(0.5);
  expect(ok.viewNotes).toEqual([]);
});
