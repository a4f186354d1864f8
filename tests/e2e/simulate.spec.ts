import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2eEnv } from "../../playwright.config";
import { RUNNING_DEMO } from "../../lib/demo/running";
import { formatLift } from "../../lib/format";
import { appDb } from "./support/app-db";
import { bearer } from "./support/auth";

// Issue 13's end-to-end run: `npm run simulate` drives the demo's running experiment through this
// server (the SDK payload, the tracking callback, /api/collect with lost answers and failed sends,
// the flusher, a background analysis), and the dashboard then shows the planted effect: a +25%
// purchase conversion for the banner, inside the interval, which excludes zero.

const run = promisify(execFile);
const PLANTED = RUNNING_DEMO.simulation.effects.banner.purchase - 1;

/** Users other tests exposed to the running experiment through this server (collector.spec.ts's browser visit). */
async function othersExposed(): Promise<number> {
  const { rows } = await appDb(e2eEnv.DATABASE_URL).execute({ sql: `SELECT "body" FROM "CollectedItem" WHERE "kind" = 'exposure'`, args: [] });
  const users = rows.map((r) => JSON.parse(String(r.body)) as { user_id: string; experiment_id: string }).filter((b) => b.experiment_id === RUNNING_DEMO.id && !b.user_id.startsWith("sim-e2e-"));
  return new Set(users.map((b) => b.user_id)).size;
}

test("npm run simulate drives the running experiment end to end; the dashboard shows the planted effect", async ({ page, baseURL, request }) => {
  test.setTimeout(240_000);
  const { stdout } = await run(path.join("node_modules", ".bin", "tsx"), ["scripts/simulate.ts", RUNNING_DEMO.id, "--users", "12000", "--url", baseURL!, "--seed", "e2e"], {
    env: { ...process.env, ...e2eEnv },
    timeout: 200_000,
  });
  expect(stdout).toMatch(/12,000 users, 12,000 in the experiment/);
  // the network was made to fail: batches were sent again, and the server kept one of each item
  const collection = /collection: (\d+) requests, (\d+) failed sends and (\d+) lost answers sent again; (\d+) items accepted, (\d+) duplicates ignored, 0 rejected/.exec(stdout);
  expect(collection, stdout).not.toBeNull();
  expect(Number(collection![2])).toBeGreaterThan(0);
  expect(Number(collection![3])).toBeGreaterThan(0);
  expect(Number(collection![5])).toBeGreaterThan(0);

  // the numbers behind the dashboard
  const doc = (await (await request.get(`/api/experiments/${RUNNING_DEMO.id}/results`, { headers: bearer("read") })).json()) as {
    users: { variant: string; users: number }[];
    srm: { mismatch: boolean };
    metrics: { key: string; variants: { id: string; relative?: { estimate: number; ciLow: number; ciHigh: number } }[] }[];
    rows: { metricKey: string; variantKey: string; relative: { estimate: number; ciLow: number; ciHigh: number } }[];
  };
  expect(doc.users.reduce((a, u) => a + u.users, 0)).toBe(12_000 + (await othersExposed()));
  expect(doc.srm.mismatch).toBe(false);
  const lift = doc.metrics.find((m) => m.key === "purchases")!.variants.find((v) => v.id === "banner")!.relative!;
  expect(lift.ciLow).toBeGreaterThan(0);
  expect(lift.ciLow).toBeLessThan(PLANTED);
  expect(lift.ciHigh).toBeGreaterThan(PLANTED);

  // and the page shows it: the banner wins on purchase conversion, with the interval of the page's row (the API's rows are the page's)
  const shown = doc.rows.find((r) => r.metricKey === "purchases" && r.variantKey === "banner")!.relative;
  expect(shown.estimate).toBeCloseTo(lift.estimate, 12);
  expect(shown.ciLow).toBeGreaterThan(0);
  await page.goto(`/experiments/${RUNNING_DEMO.id}`);
  const row = page.getByTestId("row-purchases-banner");
  await expect(row).toHaveAttribute("data-verdict", "win");
  await expect(row.locator("td.lift .lift-rel")).toHaveText(formatLift(shown.estimate, shown.ciLow, shown.ciHigh, true));
  await expect(page.getByTestId("users-summary")).toContainText(/No banner: [\d,]+/);
  await expect(page.getByTestId("served-status")).toHaveText("served, phase 0");
  await expect(page.getByTestId("condition-text")).toHaveText("everyone");
});
