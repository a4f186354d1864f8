import { expect, test, type Page } from "@playwright/test";
import { bearer, credentials, signIn } from "./support/auth";

// Issue 12 on the demo, at 1280 and 390 px: the status of each demo experiment in the list and on
// its page, no page that scrolls sideways, the health section's checks, percentage points, no
// scientific notation; then the team's decisions, the list's filters, archive and delete, and an
// analysis that finds nobody.

/** The demo's running experiment (issue 13): no data until simulate.spec.ts collects some. */
const RUNNING = "free-shipping-banner";
/** A counts experiment (issue 13) the layout tests make through the API. */
const COUNTS_ID = "layout-counts";
const COUNTS = {
  name: "Newsletter subject line (counts)",
  variants: [
    { key: "control", name: "Old subject", users: 10_000 },
    { key: "short", name: "Short subject", users: 10_080 },
  ],
  metrics: [
    { key: "opened", name: "Opened", type: "proportion", role: "primary", data: { control: { conversions: 2100 }, short: { conversions: 2350 } } },
    { key: "revenue", name: "Revenue per user", type: "mean", role: "secondary", data: { control: { n: 10_000, mean: 4.2, sd: 9.1 }, short: { n: 10_080, mean: 4.5, sd: 9.4 } } },
  ],
};
/** 40 subjects with two covariates, for balanced assignment. */
const COHORT_CSV = ["id,age,premium", ...Array.from({ length: 40 }, (_, i) => `user-${i},${20 + ((i * 7) % 40)},${i % 3 === 0 ? 1 : 0}`)].join("\n");

const DEMO = ["checkout-redesign", "feed-autoplay", "button-color-aa", "onboarding-three-arm", "checkout-upsell", "pricing-banner-srm"];
const WIDTHS = [1280, 390];
/** "6.55e-4", "1.2E+9", "3 e-5": numbers in exponent form */
const SCIENTIFIC = /\d\s?e[-+]\d/i;

/** A share as the power panel writes it: percent with at most one decimal. */
const percent = (x: number) => `${(x * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;

async function expectReadable(page: Page, what: string) {
  const text = await page.locator("body").innerText();
  expect(text, `${what}: scientific notation`).not.toMatch(SCIENTIFIC);
  expect(text, `${what}: broken values`).not.toMatch(/\bNaN\b|\bundefined\b|\bInfinity\b/);
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${what} scrolls sideways at ${innerWidth}px`).toBeLessThanOrEqual(innerWidth);
  // nor does a table hide columns in a box of its own (a Remove button or a Users column out of sight)
  const clipped = await page.evaluate(() =>
    [...document.querySelectorAll(".table-scroll, .table-wrap")]
      .filter((box) => box.scrollWidth > box.clientWidth + 1)
      .map((box) => box.querySelector("table")?.getAttribute("data-testid") ?? box.querySelector("th")?.textContent ?? "a table"),
  );
  expect(clipped, `${what}: tables wider than their box at ${innerWidth}px`).toEqual([]);
}

for (const width of WIDTHS) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test("the list says what to do with each demo experiment", async ({ page }) => {
      await page.goto("/experiments");
      const status = (id: string) => page.getByTestId(`experiment-${id}`).locator(".status-chip");
      await expect(status("feed-autoplay")).toHaveText("Don't ship");
      await expect(status("pricing-banner-srm")).toHaveText("Unreliable data");
      await expect(status("onboarding-three-arm")).toHaveText("Ship Gamified flow");
      await expect(status("checkout-redesign")).toHaveText(/^Ship /);
      await expect(status("button-color-aa")).not.toHaveText(/Ship/);
      // the best arm of the three-arm test, not the weaker one
      await expect(page.getByTestId("experiment-onboarding-three-arm").locator(".best-arm")).toContainText("Gamified flow");
      // the failing guardrail is on the line, not hidden behind the primary's lift
      await expect(page.getByTestId("experiment-feed-autoplay")).toContainText("Guardrail Sessions per user");
      await expectNoSidewaysScroll(page, "the list");
      await expectReadable(page, "the list");
    });

    test("every page fits the screen and reads plainly", async ({ page }) => {
      const paths = [
        "/experiments",
        "/experiments/new",
        "/experiments/checkout-redesign/edit",
        "/experiments/does-not-exist",
        ...DEMO.flatMap((id) => [`/experiments/${id}`, `/experiments/${id}/snapshots/1`, `/experiments/${id}/report`]),
        "/experiments/onboarding-three-arm?mode=bayesian&display=absolute",
        "/experiments/checkout-redesign?correction=holm&sequential=1",
      ];
      for (const path of paths) {
        await page.goto(path);
        await page.waitForLoadState("networkidle");
        await expectNoSidewaysScroll(page, path);
        await expectReadable(page, path);
      }
    });

    test("sign-in, forbidden and the running experiment's page fit the screen and read plainly", async ({ page }) => {
      for (const path of ["/sign-in", "/forbidden", `/experiments/${RUNNING}`]) {
        await page.goto(path);
        await page.waitForLoadState("networkidle");
        await expectNoSidewaysScroll(page, path);
        await expectReadable(page, path);
      }
      // the running experiment's assignment: who takes part, what is served, its phases
      const assignment = page.getByTestId("assignment-section");
      await expect(assignment).toBeVisible();
      await expect(assignment.getByTestId("condition-text")).toHaveText("everyone");
      await expect(assignment.getByTestId("phases-table").locator("tbody tr")).toHaveCount(1);
      await expect(assignment.getByTestId("phases-table").locator("tbody tr").first()).toContainText("ongoing");
      await page.goto("/sign-in");
      await expect(page.getByLabel("Email")).toBeInViewport();
      await expect(page.getByRole("button", { name: "Sign in" })).toBeInViewport();
    });

    test("signed in as admin: admin, audit, account, the counts form and page, and balanced assignment fit the screen", async ({ page, request }) => {
      const made = await request.post(`/api/experiments/${COUNTS_ID}/counts`, { headers: bearer("write"), data: COUNTS });
      expect([200, 201], await made.text()).toContain(made.status());
      await signIn(page, "admin");
      // the header with the signed-in user's email, role and sign-out fits too
      await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport();
      const paths = [
        "/admin",
        "/admin/audit",
        "/account",
        "/experiments/new/counts",
        "/experiments/checkout-redesign/balance",
        `/experiments/${COUNTS_ID}`,
        `/experiments/${COUNTS_ID}?mode=bayesian`,
        `/experiments/${RUNNING}`,
      ];
      for (const path of paths) {
        await page.goto(path);
        await page.waitForLoadState("networkidle");
        await expectNoSidewaysScroll(page, path);
        await expectReadable(page, path);
      }
      // balanced assignment with its before/after tables shown
      await page.goto("/experiments/checkout-redesign/balance");
      await page.getByLabel(/^CSV: a header row/).fill(COHORT_CSV);
      await page.getByRole("button", { name: "Find a balanced split" }).click();
      await expect(page.getByTestId("balance-after")).toBeVisible({ timeout: 30_000 });
      await expectNoSidewaysScroll(page, "balance results");
      await expectReadable(page, "balance results");
    });

    test("every dashboard leads with its status and shows the health checks", async ({ page }) => {
      const expected: Record<string, RegExp> = {
        "checkout-redesign": /^Ship One-page checkout$/,
        "feed-autoplay": /^Don't ship$/,
        "pricing-banner-srm": /^Unreliable data$/,
        "onboarding-three-arm": /^Ship Gamified flow$/,
        "button-color-aa": /^(Keep running|Don't ship)$/,
        "checkout-upsell": /^(Keep running|Don't ship|Ship Add-on suggestions)$/,
      };
      let powered = 0;
      for (const id of DEMO) {
        await page.goto(`/experiments/${id}`);
        await expect(page.getByTestId("decision-title"), id).toHaveText(expected[id]!);
        const health = page.getByTestId("health");
        await expect(health.getByTestId("health-traffic").locator("h3")).toHaveText("Traffic over time");
        await expect(health.getByTestId("traffic-daily").locator("svg polyline")).not.toHaveCount(0);
        await expect(health.getByTestId("traffic-cumulative").locator("svg polyline")).not.toHaveCount(0);
        await expect(health.getByTestId("health-srm")).toContainText("χ²");
        await expect(health.getByTestId("segment-srm")).toContainText("Platform");
        await expect(health.getByTestId("health-multiple-exposures")).toContainText(/\d+(\.\d+)?% of exposed users/);
        await expect(health.getByTestId("health-bias").locator("tbody tr")).not.toHaveCount(0);
        await expect(health.getByTestId("placebo-rate")).toContainText(/\d+ of \d+ comparisons/);
        // power of the primary metric: what the users so far can detect, as the API computes it
        const { decision: d } = await (await page.request.get(`/api/experiments/${id}/results`)).json();
        const power = page.getByTestId("power");
        await expect(power, id).toBeVisible();
        if (d.power.unavailable) {
          // a ratio primary (checkout-upsell): the panel says why, no made-up number
          await expect(power, id).toHaveText(d.power.unavailable);
        } else {
          powered++;
          expect(d.power.reachableMde, id).toBeGreaterThan(0);
          await expect(power.getByTestId("power-mde"), id).toHaveText(`±${percent(d.power.reachableMde)}`);
          await expect(power.locator("tr[data-planned]"), id).toContainText(`±${percent(d.power.plannedMde)}`);
          await expect(power.locator("tbody tr"), id).toHaveCount(d.power.targets.length);
        }
        // proportions' absolute lifts in percentage points
        let rates = 0;
        for (const row of await page.locator("[data-testid^=results-] tbody tr").all()) {
          if (!/\brate\b/.test(await row.locator(".metric-cell").innerText())) continue;
          await expect(row.locator("td.lift .lift-abs")).toContainText(" pp ");
          rates++;
        }
        expect(rates, id).toBeGreaterThan(0);
        await expectNoSidewaysScroll(page, id);
      }
      expect(powered).toBe(DEMO.length - 1);
    });
  });
}

test("proportions' absolute lifts are in percentage points, money in its currency", async ({ page, request }) => {
  await page.goto("/experiments/checkout-redesign");
  const api = await (await request.get("/api/experiments/checkout-redesign/results")).json();
  const row = api.rows.find((r: { metricKey: string }) => r.metricKey === "purchases");
  const pp = (x: number) => (x * 100).toFixed(1);
  await expect(page.getByTestId("row-purchases-treatment").locator("td.lift .lift-abs")).toHaveText(
    `+${pp(row.absolute.estimate)} pp [${row.absolute.ciLow > 0 ? "+" : ""}${pp(row.absolute.ciLow)}, +${pp(row.absolute.ciHigh)}]`,
  );
  await expect(page.getByTestId("row-revenue-treatment").locator("td.value-control")).toHaveText(/^\$\d+\.\d{2}$/);
  await expect(page.getByTestId("row-revenue-treatment").locator("td.lift .lift-abs")).toHaveText(/^[+-]\$\d+\.\d{2} \[[+-]\$\d+\.\d{2}, [+-]\$\d+\.\d{2}\]$/);
});

test("a team records its decision; the list shows and filters by it", async ({ page }) => {
  await signIn(page, "editor", "/experiments/onboarding-three-arm");
  const editor = credentials().users.editor.email;
  const team = page.getByTestId("team-decision");
  await team.getByText("Record a decision").click();
  // the status suggests shipping the winning arm
  await expect(team.getByRole("radio", { name: "Ship" })).toBeChecked();
  await expect(team.getByLabel("Variant that ships")).toHaveValue("gamified");
  await team.getByLabel("Note (optional)").fill("Signups up, sessions flat: ship the gamified flow.");
  await team.getByRole("button", { name: "Record decision" }).click();
  await expect(team.getByTestId("recorded-decision")).toHaveText("Ship Gamified flow");
  await expect(team).toContainText(`by ${editor}`);
  await expect(team).toContainText("Signups up, sessions flat");

  await page.goto("/experiments?decision=ship");
  const rows = page.getByTestId("experiment-list").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Onboarding flow");
  await expect(rows.first()).toContainText("Ship");
  await expect(rows.first()).toContainText(editor);
  // the report carries it too
  await page.goto("/experiments/onboarding-three-arm/report");
  await expect(page.getByTestId("recorded-decision")).toContainText("Ship Gamified flow");
});

test("the list searches and filters by status and owner", async ({ page }) => {
  await page.goto("/experiments");
  const rows = page.getByTestId("experiment-list").locator("tbody tr");
  const filters = page.getByTestId("list-filters");
  await filters.getByLabel("Status").selectOption("dont-ship");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=dont-ship/);
  await expect(rows.filter({ hasText: "Feed video autoplay" })).toHaveCount(1);
  for (const s of await rows.locator(".status-chip").allInnerTexts()) expect(s).toBe("Don't ship");

  await page.goto("/experiments?owner=payments-team");
  expect((await rows.allInnerTexts()).every((t) => t.includes("payments-team"))).toBe(true);
  await expect(rows.filter({ hasText: "Checkout redesign" })).toHaveCount(1);

  await page.goto("/experiments?q=ONBOARD");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Onboarding flow");
  await page.goto("/experiments?q=nothing-like-this");
  await expect(page.getByTestId("no-experiments")).toBeVisible();
});

test("an experiment created with the form's defaults shows it has no exposures, and its analysis fails naming the key and dates", async ({ page }) => {
  const id = `nobody-yet-${Date.now().toString(36)}`;
  const today = new Date().toISOString().slice(0, 10);
  await signIn(page, "editor", "/experiments/new");
  await page.getByLabel("Id", { exact: true }).fill(id);
  await page.getByLabel("Name", { exact: true }).fill("Nobody yet");
  await expect(page.getByTestId("preview-empty")).toContainText("an analysis of these dates would find nobody", { timeout: 15_000 });
  await page.getByLabel("Purchase conversion").selectOption("primary");
  await page.getByRole("button", { name: "Create experiment" }).click();
  await expect(page).toHaveURL(new RegExp(`/experiments/${id}$`));
  await page.getByRole("button", { name: "Analyse now" }).click();
  const failure = page.getByTestId("failure-banner");
  await expect(failure).toBeVisible({ timeout: 30_000 });
  await expect(failure).toContainText(`experiment_id "${id}"`);
  await expect(failure).toContainText(`between ${today} and ${today}`);
  await expect(page.getByTestId("decision-title")).toHaveText("No results yet");
  await expect(page.getByTestId("snapshot-history").locator("tbody tr").first()).toHaveAttribute("data-status", "failed");
});

test("a running experiment nobody has been exposed to yet is waiting for its exposures, not failing: its page, the list and the API say so", async ({ page, request }) => {
  const id = `waiting-${Date.now().toString(36)}`;
  await signIn(page, "editor", "/experiments/new");
  await page.getByLabel("Id", { exact: true }).fill(id);
  await page.getByLabel("Name", { exact: true }).fill("Waiting for exposures");
  await page.getByLabel("Status").selectOption("running");
  await page.getByLabel("Purchase conversion").selectOption("primary");
  await page.getByRole("button", { name: "Create experiment" }).click();
  await expect(page).toHaveURL(new RegExp(`/experiments/${id}$`));
  // the scheduler analyses a new running experiment within a minute; a person may ask first
  await page.getByRole("button", { name: /^(Analyse now|Refresh analysis)$/ }).click();
  await expect(page.getByTestId("decision-title")).toHaveText("Waiting for exposures", { timeout: 30_000 });
  const reasons = page.getByTestId("decision-reasons");
  await expect(reasons).toContainText(`the exposure table “exposures” holds no users with experiment_id “${id}”`);
  await expect(reasons).toContainText("analysed again on its schedule");
  await expect(reasons.locator("li")).toHaveAttribute("class", "reason neutral");
  await expect(page.getByTestId("run-message")).toHaveText("Analysed: nobody has been exposed yet.");
  await expect(page.getByTestId("failure-banner")).toHaveCount(0);
  await expect(page.getByTestId("not-analysed")).toHaveAttribute("data-status", "waiting");
  await expect(page.getByTestId("last-looked")).toContainText("snapshot #1");
  // the history lists that run as having found nobody yet, not as a failure
  const firstRun = page.getByTestId("snapshot-history").locator("tbody tr").first();
  await expect(firstRun.getByTestId("history-nobody-yet")).toHaveText("nobody exposed yet");
  await expect(firstRun).not.toContainText("failed");
  expect(await page.locator("body").innerText()).not.toMatch(/analysis failed/i);

  const api = await (await request.get(`/api/experiments/${id}/results`)).json();
  expect(api.decision.status).toBe("waiting");
  const listed = await (await request.get("/api/experiments?status=waiting")).json();
  expect(listed.experiments.map((e: { id: string }) => e.id)).toContain(id);

  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/experiments/${id}`);
    await expect(page.getByTestId("decision-title")).toHaveText("Waiting for exposures");
    await expectNoSidewaysScroll(page, `the waiting experiment at ${width}px`);
    await page.goto("/experiments");
    const row = page.getByTestId(`experiment-${id}`);
    await expect(row.locator(".status-chip")).toHaveText("Waiting for exposures");
    await expect(row).toContainText(`No exposures for “${id}” yet`);
    await expect(row).not.toContainText("last run failed");
    await expectNoSidewaysScroll(page, `the list at ${width}px`);
  }
});

test("archive hides an experiment from the list until restored; delete asks for its id and takes its snapshots", async ({ page, request }) => {
  const id = `to-delete-${Date.now().toString(36)}`;
  await signIn(page, "editor", "/experiments/new");
  await page.getByLabel("Id", { exact: true }).fill(id);
  await page.getByLabel("Name", { exact: true }).fill("To delete");
  await page.getByLabel("Start date").fill("2026-10-01");
  await page.getByLabel("End date").fill("2026-10-28");
  await page.getByLabel("Exposure key").fill("checkout-redesign");
  await page.getByLabel("Purchase conversion").selectOption("primary");
  await page.getByRole("button", { name: "Create experiment" }).click();
  await expect(page).toHaveURL(new RegExp(`/experiments/${id}$`));
  await page.getByRole("button", { name: "Analyse now" }).click();
  await expect(page.getByTestId("decision-title")).toHaveText(/^Ship /, { timeout: 30_000 });
  const snapshotNumber = (await (await request.get(`/api/experiments/${id}/results`)).json()).snapshot.number;
  expect(snapshotNumber).toBe(1);
  expect((await request.get(`/experiments/${id}/snapshots/1`)).status()).toBe(200);

  await page.goto("/experiments");
  const row = page.getByTestId(`experiment-${id}`);
  await row.getByRole("button", { name: /Archive/ }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("results, snapshots and decisions are kept");
  await dialog.getByRole("button", { name: "Archive" }).click();
  await expect(row).toHaveCount(0);
  await page.getByLabel(/Show archived/).check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(row).toContainText("archived");
  await row.getByRole("button", { name: /Restore/ }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Restore" }).click();
  await expect(row.locator(".badge.archived")).toHaveCount(0);

  await row.getByRole("button", { name: /Delete/ }).click();
  const confirm = page.getByRole("dialog");
  await expect(confirm).toContainText("every snapshot");
  const go = confirm.getByRole("button", { name: "Delete for good" });
  await expect(go).toBeDisabled();
  await confirm.getByLabel("Experiment id to confirm").fill("to-delete");
  await expect(go).toBeDisabled();
  await confirm.getByLabel("Experiment id to confirm").fill(id);
  await go.click();
  await expect(row).toHaveCount(0);
  expect((await request.get(`/api/experiments/${id}/results`)).status()).toBe(404);
  expect((await request.get(`/experiments/${id}/snapshots/1`)).status()).toBe(404);
});

test("a past snapshot's full results: the decision, the tables and health as that snapshot computed them, and its SQL", async ({ page }) => {
  await page.goto("/experiments/feed-autoplay/snapshots/1");
  await expect(page.getByRole("heading", { name: "Feed video autoplay: snapshot #1" })).toBeVisible();
  await expect(page.getByTestId("decision-title")).toHaveText("Don't ship");
  await expect(page.getByTestId("row-sessions-autoplay")).toHaveAttribute("data-tone", "guardrail-fail");
  await expect(page.getByTestId("health-placebo")).toBeVisible();
  await expect(page.getByTestId("snapshot-sql")).toContainText("placebo_half");
  // the page's history links to each snapshot's results
  await page.goto("/experiments/feed-autoplay");
  await page.getByTestId("snapshot-history").getByRole("link", { name: "Results of snapshot #1" }).click();
  await expect(page).toHaveURL(/\/experiments\/feed-autoplay\/snapshots\/1$/);
});

test("a counts experiment's page: the sample ratio check, a lift row per metric, the Bayesian view's chance to win, and no check that needs the warehouse", async ({ page, request }) => {
  const made = await request.post(`/api/experiments/${COUNTS_ID}/counts`, { headers: bearer("write"), data: COUNTS });
  expect([200, 201], await made.text()).toContain(made.status());
  const api = await (await request.get(`/api/experiments/${COUNTS_ID}/results`)).json();
  const row = (metric: string) => api.rows.find((r: { metricKey: string }) => r.metricKey === metric);
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;

  await page.goto(`/experiments/${COUNTS_ID}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(COUNTS.name);
  // opened: 2100 of 10,000 against 2350 of 10,080 (+11.6% relative), clearly above zero
  await expect(page.getByTestId("decision-title")).toHaveText("Ship Short subject");
  const srm = page.getByTestId("health-srm");
  await expect(srm).toContainText(`χ² p = ${api.srm.pValue.toFixed(4)}`);
  await expect(srm).toContainText("10,000");
  await expect(srm).toContainText("10,080");
  for (const metric of ["opened", "revenue"]) {
    const tr = page.getByTestId(`row-${metric}-short`);
    await expect(tr.locator("td.lift .lift-rel")).toContainText(pct(row(metric).relative.estimate));
    await expect(tr.locator("td.pvalue")).toHaveText(row(metric).pValue < 0.0001 ? "<0.0001" : row(metric).pValue.toFixed(4));
    await expect(tr).toHaveAttribute("data-verdict", row(metric).verdict);
  }
  expect(row("opened").relative.estimate).toBeCloseTo(2350 / 10_080 / 0.21 - 1, 10);
  // checks that need each user's exposures say so instead of asking for a refresh that cannot run
  for (const check of ["health-traffic", "health-multiple-exposures", "health-placebo"]) {
    await expect(page.getByTestId(check)).toContainText("Not available for counts typed in");
  }
  await expect(page.getByTestId("health")).not.toContainText("refresh the analysis");
  await expect(page.getByTestId("timeseries-chart")).toHaveCount(0);
  // the history opens this snapshot by its number
  await page.getByTestId("snapshot-history").getByRole("link", { name: /^Results of snapshot #\d+$/ }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${COUNTS.name}: snapshot #`);

  const bayes = await (await request.get(`/api/experiments/${COUNTS_ID}/results?mode=bayesian`)).json();
  await page.goto(`/experiments/${COUNTS_ID}?mode=bayesian`);
  await expect(page.getByTestId("results-primary").locator("thead")).toContainText("Chance to win");
  for (const metric of ["opened", "revenue"]) {
    const b = bayes.rows.find((r: { metricKey: string }) => r.metricKey === metric);
    expect(b.chanceToWin, metric).toBeGreaterThan(0.5);
    await expect(page.getByTestId(`row-${metric}-short`).locator("td.ctw")).toHaveText(`${(b.chanceToWin * 100).toFixed(1)}%`);
  }
});

test("balanced assignment shows the balance before and after: the same subjects split two ways, the chosen split no less balanced, the same seed again", async ({ page }) => {
  await signIn(page, "editor", "/experiments/checkout-redesign/balance");
  await page.getByLabel(/^CSV: a header row/).fill(COHORT_CSV);
  await page.getByRole("button", { name: "Find a balanced split" }).click();
  const result = page.getByTestId("balance-result");
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(result).toContainText("40 subjects, 100 seeds tried");
  const subjects = COHORT_CSV.split("\n").slice(1).map((line) => line.split(",").map(Number));
  const overall = { age: subjects.reduce((a, s) => a + s[1]!, 0) / 40, premium: subjects.reduce((a, s) => a + s[2]!, 0) / 40 };
  const maxes: number[] = [];
  for (const which of ["balance-before", "balance-after"]) {
    const table = page.getByTestId(which);
    await expect(table.locator("thead")).toContainText("Control: mean (SD)");
    await expect(table.locator("thead")).toContainText("SMD One-page checkout");
    await expect(table.locator("tbody th")).toHaveText(["age", "premium"]);
    // "Before: seed … · largest |SMD| 0.494 · Control 18, One-page checkout 22"
    const title = await page.locator(`#${which}-title`).innerText();
    const sizes = [...title.matchAll(/(?:Control|One-page checkout) (\d+)/g)].map((m) => Number(m[1]));
    expect(sizes, title).toHaveLength(2);
    expect(sizes[0]! + sizes[1]!).toBe(40);
    // the groups' means, weighted by their sizes, give back the whole cohort's mean
    for (const covariate of ["age", "premium"] as const) {
      const cells = await table.locator("tbody tr").filter({ has: page.locator("th", { hasText: covariate }) }).locator("td").allInnerTexts();
      const means = cells.slice(0, 2).map((c) => Number(c.split(" ")[0]));
      const pooled = (means[0]! * sizes[0]! + means[1]! * sizes[1]!) / 40;
      expect(pooled, `${which} ${covariate}`).toBeCloseTo(overall[covariate], 2);
      expect(Number(cells[2]), `${which} ${covariate} SMD`).not.toBeNaN();
    }
    maxes.push(Number(await page.getByTestId(`${which}-max`).innerText()));
  }
  expect(maxes[1]!).toBeLessThanOrEqual(maxes[0]!);
  expect(maxes[1]!).toBeLessThan(0.2);
  const seed = await page.getByTestId("chosen-seed").innerText();
  await page.getByRole("button", { name: "Find a balanced split" }).click();
  await expect(page.getByTestId("chosen-seed")).toHaveText(seed);
});
