import { readFileSync } from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import Papa from "papaparse";
import { formatLift, formatPValue } from "../../lib/format";

// The dashboard's view controls, exports, shared links and layout.

async function expectNoBrokenValues(page: Page) {
  const text = await page.locator("body").innerText();
  expect(text).not.toMatch(/\bNaN\b|\bundefined\b|\bInfinity\b/);
  expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
}

/** "+8.1% [+2.3%, +13.9%]" → width of the interval in percentage points. */
function ciWidth(text: string): number {
  const m = text.match(/\[([+−-]?[\d.]+)%?, ([+−-]?[\d.]+)%?\]/);
  if (!m) throw new Error(`no interval in "${text}"`);
  return Number(m[2]) - Number(m[1]);
}

async function texts(locator: Locator): Promise<string[]> {
  return (await locator.allInnerTexts()).map((t) => t.trim());
}

/** Waits until a control change has navigated and the server has rendered the new view. */
async function settled(page: Page, urlPart: RegExp) {
  await expect(page).toHaveURL(urlPart);
  await expect(page.getByTestId("view-controls").getByRole("status")).toHaveText("");
}

async function download(page: Page, button: Locator): Promise<{ name: string; body: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), body: readFileSync(path) };
}

function pngSize(buf: Buffer): { width: number; height: number } {
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(buf.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Parses SVG text in the browser: root element, <title>, size, whether the parser complained. */
async function parseSvg(page: Page, svg: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const root = doc.documentElement;
    return {
      error: doc.getElementsByTagName("parsererror").length > 0,
      root: root.localName,
      ns: root.namespaceURI,
      title: root.querySelector(":scope > title")?.textContent ?? null,
      width: Number(root.getAttribute("width")),
      height: Number(root.getAttribute("height")),
      text: root.textContent ?? "",
      nestedHeight: Number(root.querySelector(":scope > svg")?.getAttribute("height")),
    };
  }, svg);
}

const liftRel = (page: Page, metric: string, variant = "treatment") => page.getByTestId(`row-${metric}-${variant}`).locator("td.lift .lift-rel");

test("alpha, correction, CUPED, Bayesian and display toggles change the numbers, and the columns follow the mode", async ({ page }) => {
  await page.goto("/experiments/checkout-redesign");
  const table = page.getByTestId("results-primary");
  const lift = liftRel(page, "purchases");
  const before = (await lift.innerText()).trim();
  await expect(table.locator("thead")).toContainText("95% CI");

  // alpha 0.05 → 0.2: 80% intervals, narrower
  await page.getByLabel("Alpha").selectOption("0.2");
  await settled(page, /alpha=0\.2/);
  await expect(table.locator("thead")).toContainText("80% CI");
  const after = (await lift.innerText()).trim();
  expect(ciWidth(after)).toBeLessThan(ciWidth(before));
  // the same numbers as the JSON API for that view
  const api = await (await page.request.get("/api/experiments/checkout-redesign/results?alpha=0.2")).json();
  const row = api.rows.find((r: { metricKey: string }) => r.metricKey === "purchases");
  expect(after).toBe(formatLift(row.relative.estimate, row.relative.ciLow, row.relative.ciHigh, true));

  // correction holm: header and values, and the interval says it is adjusted
  const pBefore = await texts(page.locator("td.pvalue"));
  await expect(page.locator("th.pvalue-head").first()).toHaveText("p-value");
  await expect(page.locator("th.pvalue-head").first()).toHaveAccessibleName("p-value");
  await page.getByLabel("Correction").selectOption("holm");
  await settled(page, /correction=holm/);
  await expect(page.locator("th.pvalue-head").first()).toHaveAccessibleName("p-value (Holm-adjusted)");
  await expect(page.locator("th.pvalue-head").first()).toContainText("Holm-adjusted");
  await expect(table.locator("thead")).toContainText("80% CI, Holm-adjusted");
  const pAfter = await texts(page.locator("td.pvalue"));
  expect(pAfter).not.toEqual(pBefore);
  const holm = await (await page.request.get("/api/experiments/checkout-redesign/results?alpha=0.2&correction=holm")).json();
  const revenue = holm.rows.find((r: { metricKey: string }) => r.metricKey === "revenue");
  await expect(page.getByTestId("row-revenue-treatment").locator("td.pvalue")).toHaveText(formatPValue(revenue.adjustedPValue));

  // CUPED off changes a lift (sessions: a strong pre-period correlation)
  const sessionsLift = liftRel(page, "sessions");
  const withCuped = (await sessionsLift.innerText()).trim();
  await page.getByLabel("CUPED").uncheck();
  await settled(page, /cuped=0/);
  await expect(sessionsLift).not.toHaveText(withCuped);
  const noCuped = await (await page.request.get("/api/experiments/checkout-redesign/results?alpha=0.2&correction=holm&cuped=0")).json();
  const s = noCuped.rows.find((r: { metricKey: string }) => r.metricKey === "sessions");
  await expect(sessionsLift).toHaveText(formatLift(s.relative.estimate, s.relative.ciLow, s.relative.ciHigh, true));

  // sequential widens the interval and says so
  const fixed = ciWidth((await lift.innerText()).trim());
  await page.getByLabel("Sequential").check();
  await settled(page, /sequential=1/);
  await expect(table.locator("thead")).toContainText("80% confidence sequence");
  await expect(page.locator("th.pvalue-head").first()).toHaveAccessibleName("p-value (Holm-adjusted, sequential)");
  expect(ciWidth((await lift.innerText()).trim())).toBeGreaterThan(fixed);

  // Bayesian: chance to win and risk instead of p-values, a credible interval, no correction
  await page.getByLabel("Bayesian").check();
  await settled(page, /mode=bayesian/);
  await expect(page.locator("th.pvalue-head")).toHaveCount(0);
  await expect(table.locator("thead")).toContainText("Chance to win");
  await expect(table.locator("thead")).toContainText("Risk");
  await expect(table.locator("thead")).toContainText("60% credible interval");
  await expect(table.locator("thead")).not.toContainText("CI");
  await expect(page.getByLabel("Correction (frequentist only)")).toBeDisabled();
  // every row: a win exactly when the chance to win reaches 80% (α = 0.2)
  for (const r of await page.locator("[data-testid^=results-] tbody tr").all()) {
    const ctw = Number((await r.locator("td.ctw").innerText()).replace("%", "")) / 100;
    const verdict = await r.getAttribute("data-verdict");
    expect(verdict === "win", `${await r.getAttribute("data-testid")}: ${ctw}`).toBe(ctw >= 0.8);
  }

  // absolute display leads with the absolute lift (percentage points for a rate), and the forest plot follows
  await page.getByLabel("Absolute").check();
  await settled(page, /display=absolute/);
  await expect(table.locator("thead")).toContainText("Absolute lift");
  await expect(page.getByTestId("row-purchases-treatment").locator("td.lift > div").first()).toHaveText(/^[+-]\d+\.\d+ pp \[[+-]?\d+\.\d+, [+-]?\d+\.\d+\]$/);
  await expect(page.getByTestId("forest-plot").locator(".chart-title")).toContainText("Absolute lift");
  await expectNoBrokenValues(page);

  // reset goes back to the defaults
  await page.getByRole("button", { name: "Reset view" }).click();
  await expect(page).toHaveURL(/\/experiments\/checkout-redesign$/);
  await expect(lift).toHaveText(before);
});

test("filters: metrics, variants and significant only", async ({ page }) => {
  const rows = page.locator("[data-testid^=results-] tbody tr");
  await page.goto("/experiments/onboarding-three-arm");
  await expect(rows).toHaveCount(6); // 3 metrics × 2 treatments
  await page.getByText("Metrics (all)").click();
  await page.getByRole("checkbox", { name: "Users who shared" }).uncheck();
  await settled(page, /metrics=/);
  await expect(page.locator("[data-metric=shares]")).toHaveCount(0);
  await expect(page.getByTestId("forest-plot").locator(".recharts-scatter-symbol")).toHaveCount(4);

  await page.getByText("Variants (all)").click();
  await page.getByRole("checkbox", { name: "Short flow" }).uncheck();
  await settled(page, /variants=/);
  await expect(rows).toHaveCount(2);
  await expect(page.locator("[data-testid^=results-] tbody tr[data-variant=short]")).toHaveCount(0);

  await page.getByLabel("Significant only").check();
  await settled(page, /sig=1/);
  const verdicts = await rows.evaluateAll((trs) => trs.map((r) => r.getAttribute("data-verdict")));
  expect(verdicts.length).toBeGreaterThan(0);
  expect(verdicts.every((v) => v === "win" || v === "lose")).toBe(true);
  await expectNoBrokenValues(page);
});

test("a shared URL restores the same view", async ({ page, browser }) => {
  const query = "alpha=0.1&correction=bh&sequential=1&cuped=0&display=absolute&metrics=signups,shares&variants=gamified&ts=calendar&tsMetric=shares";
  await page.goto(`/experiments/onboarding-three-arm?${query}`);
  const controls = page.getByTestId("view-controls");
  await expect(controls.getByLabel("Alpha")).toHaveValue("0.1");
  await expect(controls.getByLabel("Correction")).toHaveValue("bh");
  await expect(controls.getByLabel("Sequential")).toBeChecked();
  await expect(controls.getByLabel("CUPED")).not.toBeChecked();
  await expect(controls.getByLabel("Absolute")).toBeChecked();
  await expect(controls).toContainText("Metrics (2 of 3)");
  await expect(controls).toContainText("Variants (1 of 2)");
  await expect(page.getByTestId("timeseries-chart").getByRole("radio", { name: "Calendar day" })).toBeChecked();
  await expect(page.getByTestId("timeseries-chart").getByRole("combobox", { name: "Metric" })).toHaveValue("shares");

  // the numbers are those of the API for the same view
  const api = await (await page.request.get(`/api/experiments/onboarding-three-arm/results?${query}`)).json();
  for (const key of ["signups", "shares"]) {
    const row = api.rows.find((r: { metricKey: string; variantKey: string }) => r.metricKey === key && r.variantKey === "gamified");
    await expect(page.locator(`[data-testid^=results-] tbody tr[data-metric=${key}]`)).toHaveCount(1);
    await expect(page.getByTestId(`row-${key}-gamified`).locator("td.lift .lift-abs")).toHaveText(
      formatLift(row.absolute.estimate, row.absolute.ciLow, row.absolute.ciHigh, false, { statistic: "proportion" }),
    );
  }
  await expect(page.locator("[data-metric=sessions]")).toHaveCount(0);
  const shared = await page.getByTestId("results").innerText();

  // a second browser that reaches the same state through the controls sees the same numbers
  const other = await browser.newPage();
  await other.goto("/experiments/onboarding-three-arm");
  await other.getByLabel("Alpha").selectOption("0.1");
  await settled(other, /alpha=0\.1/);
  await other.getByLabel("Correction").selectOption("bh");
  await settled(other, /correction=bh/);
  await other.getByLabel("Sequential").check();
  await settled(other, /sequential=1/);
  await other.getByLabel("CUPED").uncheck();
  await settled(other, /cuped=0/);
  await other.getByLabel("Absolute").check();
  await settled(other, /display=absolute/);
  await other.getByText("Metrics (all)").click();
  await other.getByRole("checkbox", { name: "Sessions per user" }).uncheck();
  await settled(other, /metrics=signups%2Cshares|metrics=signups,shares/);
  await other.getByText("Variants (all)").click();
  await other.getByRole("checkbox", { name: "Short flow" }).uncheck();
  await settled(other, /variants=gamified/);
  expect(await other.getByTestId("results").innerText()).toBe(shared);
  await other.close();

  // a link to one segment shows that segment's numbers, says so, and offers the way back
  await page.goto("/experiments/onboarding-three-arm?segment=platform:ios");
  await expect(page.getByTestId("segment-note")).toContainText("Platform: ios");
  const ios = await (await page.request.get("/api/experiments/onboarding-three-arm/results?segment=platform:ios")).json();
  expect(ios.segment).toBe("platform:ios");
  const signups = ios.rows.find((r: { metricKey: string; variantKey: string }) => r.metricKey === "signups" && r.variantKey === "gamified");
  await expect(liftRel(page, "signups", "gamified")).toHaveText(formatLift(signups.relative.estimate, signups.relative.ciLow, signups.relative.ciHigh, true));
});

test("charts export as PNG (2×) and standalone SVG with title and legend", async ({ page }) => {
  await page.goto("/experiments/checkout-redesign");
  for (const id of ["forest-plot", "timeseries-chart"]) {
    const figure = page.getByTestId(id);
    const chart = figure.locator(".chart-plot svg.recharts-surface");
    await expect(chart).toBeVisible();
    const box = await chart.boundingBox();
    if (!box) throw new Error("chart not laid out");
    const title = (await figure.locator(".chart-title").innerText()).trim();

    const svgFile = await download(page, figure.getByRole("button", { name: "SVG", exact: true }));
    expect(svgFile.name).toMatch(/\.svg$/);
    const svg = await parseSvg(page, svgFile.body.toString("utf8"));
    expect(svg.error, `${id}: SVG parses`).toBe(false);
    expect(svg.root).toBe("svg");
    expect(svg.ns).toBe("http://www.w3.org/2000/svg");
    expect(svg.title).toContain(title);
    expect(svg.title).toContain("Checkout redesign");
    expect(svg.text).toContain("no change (0)"); // the legend
    expect(svg.text).toContain("One-page checkout");
    expect(svg.width).toBe(Math.round(box.width));
    expect(svg.nestedHeight).toBe(Math.round(box.height));
    expect(svg.height).toBeGreaterThan(Math.round(box.height)); // + title and legend

    const pngFile = await download(page, figure.getByRole("button", { name: "PNG", exact: true }));
    expect(pngFile.name).toMatch(/\.png$/);
    const size = pngSize(pngFile.body);
    expect(size.width).toBe(2 * Math.round(box.width));
    expect(size.height).toBe(2 * svg.height);
    expect(pngFile.body.length).toBeGreaterThan(5_000);
  }
});

test("the results table and the time series download as CSV", async ({ page }) => {
  await page.goto("/experiments/onboarding-three-arm");
  const results = await download(page, page.getByTestId("results-exports").getByRole("button", { name: "CSV" }));
  expect(results.name).toMatch(/\.csv$/);
  const parsed = Papa.parse<Record<string, string>>(results.body.toString("utf8"), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  expect(parsed.meta.fields?.slice(0, 6)).toEqual(["experiment_id", "segment", "metric_key", "metric", "role", "variant"]);
  expect(parsed.data).toHaveLength(6); // one line per metric × treatment variant
  const pairs = new Set(parsed.data.map((r) => `${r.metric_key}/${r.variant}`));
  for (const m of ["signups", "shares", "sessions"]) for (const v of ["short", "gamified"]) expect(pairs.has(`${m}/${v}`)).toBe(true);
  const api = await (await page.request.get("/api/experiments/onboarding-three-arm/results")).json();
  const signupsShort = parsed.data.find((r) => r.metric_key === "signups" && r.variant === "short");
  const apiRow = api.rows.find((r: { metricKey: string; variantKey: string }) => r.metricKey === "signups" && r.variantKey === "short");
  expect(Number(signupsShort?.relative_lift)).toBeCloseTo(apiRow.relative.estimate, 12);

  const ts = page.getByTestId("timeseries-chart");
  const series = await download(page, ts.getByRole("button", { name: "CSV" }));
  const tsParsed = Papa.parse<Record<string, string>>(series.body.toString("utf8"), { header: true, skipEmptyLines: true });
  expect(tsParsed.errors).toEqual([]);
  expect(tsParsed.meta.fields).toEqual(
    expect.arrayContaining(["x", "metric_key", "variant", "users", "relative_lift", "ci_low", "ci_high"]),
  );
  const days = new Set(tsParsed.data.map((r) => r.x));
  expect(days.size).toBeGreaterThan(10);
  expect(tsParsed.data).toHaveLength(days.size * 2); // one line per day × treatment variant
  expect(new Set(tsParsed.data.map((r) => r.metric_key))).toEqual(new Set(["signups"]));
});

test("the HTML report is the report page in one file: decision, health and the page's very numbers", async ({ page }) => {
  await page.goto("/experiments/feed-autoplay?alpha=0.1");
  const pageLifts = await texts(page.locator("[data-testid^=results-] td.lift .lift-rel"));
  const report = await download(page, page.getByRole("button", { name: "Report (HTML)" }));
  expect(report.name).toBe("feed-autoplay-report.html");
  const html = report.body.toString("utf8");
  const summary = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "text/html");
    return {
      title: doc.querySelector("h1")?.textContent,
      decision: doc.querySelector("[data-testid=decision-title]")?.textContent,
      checks: [...doc.querySelectorAll(".health-check h3")].map((h) => h.textContent),
      lifts: [...doc.querySelectorAll("[data-testid^=results-] td.lift .lift-rel")].map((d) => (d as HTMLElement).textContent?.trim()),
      guardrail: doc.querySelector("[data-testid=row-sessions-autoplay]")?.getAttribute("data-tone"),
      scripts: doc.querySelectorAll("script, link").length,
      styles: doc.querySelectorAll("style").length,
      header: doc.querySelector(".site-header") !== null,
      traffic: doc.querySelectorAll("[data-testid=health-traffic] svg polyline").length,
      footer: doc.querySelector(".report-footer")?.textContent ?? "",
      view: doc.body.textContent?.includes("90% CI") ?? false,
    };
  }, html);
  expect(summary.title).toBe("Feed video autoplay");
  expect(summary.decision).toBe("Don't ship");
  expect(summary.checks).toEqual(["Traffic over time", "Sample ratio mismatch", "Users in several variants", "Pre-exposure bias", "Placebo A/A"]);
  expect(summary.lifts.map((l) => l?.replace(/\s+/g, " "))).toEqual(pageLifts.map((l) => l.replace(/\s+/g, " ")));
  expect(summary.guardrail).toBe("guardrail-fail");
  expect(summary.scripts).toBe(0); // self-contained
  expect(summary.styles).toBe(1);
  expect(summary.traffic).toBeGreaterThan(0); // the charts are in it
  expect(summary.view).toBe(true); // the page's view (alpha 0.1)
  expect(summary.footer).toContain("Generated");
  // the report page itself has no site chrome when printed or saved
  await page.goto("/experiments/feed-autoplay/report");
  await expect(page.getByTestId("decision-title")).toHaveText("Don't ship");
});

test("a losing guardrail is loud: the decision, its row and the forest plot", async ({ page }) => {
  await page.goto("/experiments/feed-autoplay");
  await expect(page.getByTestId("decision-title")).toHaveText("Don't ship");
  await expect(page.getByTestId("decision-reasons")).toContainText("Guardrail Sessions per user got worse with Autoplay");
  const row = page.getByTestId("row-sessions-autoplay");
  await expect(row).toHaveAttribute("data-verdict", "lose");
  await expect(row).toHaveAttribute("data-tone", "guardrail-fail");
  await expect(row).toContainText("Guardrail failing");
  await expect(row.locator("svg.interval-bar.guardrail-fail")).toHaveCount(1);
  // red in the forest plot, where a winner is green (recharts draws after it has measured its box)
  await expect(page.getByTestId("forest-plot").locator(".recharts-scatter-symbol").first()).toBeVisible();
  const strokes = await page.getByTestId("forest-plot").locator(".recharts-scatter-symbol *").evaluateAll((els) => els.map((e) => e.getAttribute("stroke")));
  expect(strokes).toContain("#b00020");
  expect(strokes).toContain("#00805a"); // feed views, the primary, did improve
  await page.goto("/experiments/checkout-redesign");
  await expect(page.locator("[data-tone=guardrail-fail]")).toHaveCount(0);
});

test("segments side by side: every value of every dimension as a row, p-values adjusted across the values", async ({ page }) => {
  await page.goto("/experiments/checkout-redesign");
  const segments = page.getByTestId("segments");
  const platform = segments.getByTestId("segment-platform");
  await expect(platform.locator("tbody tr")).toHaveCount(3);
  await expect(platform.locator("thead")).toContainText("p (Holm across 3)");
  // the values add up to every user of the experiment
  const users = await platform.locator("td.users").allInnerTexts();
  const total = users.reduce((a, u) => a + Number(u.replace(/\D/g, "")), 0);
  const api = await (await page.request.get("/api/experiments/checkout-redesign/results")).json();
  expect(total).toBe(api.users.reduce((a: number, u: { users: number }) => a + u.users, 0));
  const country = segments.getByTestId("segment-country");
  expect(await country.locator("tbody tr").count()).toBeGreaterThan(3);
  // another metric, no round trip
  await segments.getByLabel("Metric").selectOption("sessions");
  await expect(platform.locator("tbody tr").first()).not.toContainText("pp");
  await expectNoBrokenValues(page);

  const ts = page.getByTestId("timeseries-chart");
  await expect(ts.locator(".recharts-line")).toHaveCount(1);
  await expect(ts.locator(".recharts-area")).toHaveCount(1);
  await expect(ts.locator(".recharts-reference-line")).toHaveCount(1);
  await expect(ts.locator("svg.recharts-surface")).toContainText("Days since first exposure");
  await ts.getByRole("radio", { name: "Calendar day" }).check();
  await expect(page).toHaveURL(/ts=calendar/);
  await expect(ts.locator("svg.recharts-surface")).toContainText("2026-10-");
  await ts.getByRole("combobox", { name: "Metric" }).selectOption("sessions");
  await expect(page).toHaveURL(/tsMetric=sessions/);
  await expect(ts.locator(".chart-title")).toContainText("Sessions per user");
});

test("legend toggles work from the keyboard", async ({ page }) => {
  await page.goto("/experiments/checkout-redesign");
  const plot = page.getByTestId("forest-plot");
  const bars = plot.locator(".recharts-errorBars");
  // one 95% and one 68% layer per group of points (checkout-redesign: winners and inconclusive ones)
  await expect(bars).toHaveCount(4);
  const toggle = plot.getByRole("button", { name: "68% interval" });
  await toggle.focus();
  await page.keyboard.press("Space");
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await expect(bars).toHaveCount(2);
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(bars).toHaveCount(4);
  // the focus ring is visible
  const outline = await toggle.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
});

test("no layout shift while the charts mount, and readable on a phone", async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { __cls: number }).__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!e.hadRecentInput) (window as unknown as { __cls: number }).__cls += e.value;
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto("/experiments/onboarding-three-arm");
  await expect(page.getByTestId("timeseries-chart").locator("svg.recharts-surface")).toBeVisible();
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { __cls: number }).__cls)).toBeLessThan(0.05);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByTestId("forest-plot").locator("svg.recharts-surface")).toBeVisible();
  // the page itself does not scroll sideways; the results tables become stacked rows
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const row = page.getByTestId("row-signups-gamified");
  expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe("flex");
  const box = (await row.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await row.scrollIntoViewIfNeeded();
  await expect(row.locator("td.lift")).toBeInViewport(); // the lift is on screen, not beyond a sideways scroll
});
