import { describe, expect, it } from "vitest";
import { powerAnalysis } from "@/lib/stats";
import { decide, shownVerdict } from "@/lib/ui/decision";
import { isPowerUnavailable } from "@/lib/ui/power";
import { noExposuresMessage, parseNoExposures } from "@/lib/analysis/no-exposures";
import type { ResultsDocument, SnapshotSummary } from "@/lib/analysis/results-document";
import { craftedDocument, type CraftedExperiment, type CraftedMetric } from "../../support/crafted-stats";

// The status function over crafted statistics: every reason, and which one wins when several hold.
// Documents are built by the app's own derivation (resultsFromStats), so the health checks, the
// verdicts and the power numbers are the ones the page shows.

const N = 10_000;
const two = (users = N, treatmentUsers = users) => [
  { key: "control", name: "Control", users },
  { key: "treatment", name: "Treatment", users: treatmentUsers },
];

const primary = (control: number, treatment: number, extra: Partial<CraftedMetric> = {}): CraftedMetric => ({
  key: "conversion",
  name: "Conversion",
  role: "primary",
  type: "proportion",
  arms: { control: { mean: control }, treatment: { mean: treatment } },
  ...extra,
});
const guardrail = (control: number, treatment: number, extra: Partial<CraftedMetric> = {}): CraftedMetric => ({
  key: "sessions",
  name: "Sessions",
  role: "guardrail",
  type: "mean",
  arms: { control: { mean: control, sd: 2 }, treatment: { mean: treatment, sd: 2 } },
  ...extra,
});

const exp = (overrides: Partial<CraftedExperiment> = {}): CraftedExperiment => ({
  variants: two(),
  metrics: [primary(0.1, 0.12), guardrail(3, 3)],
  ...overrides,
});

const codes = (d: ReturnType<typeof decide>, driving = true) => d.reasons.filter((r) => !driving || r.drives).map((r) => r.code);

describe("decide: each status and its reasons", () => {
  it("Ship <variant>: a primary wins, no guardrail fails, the data are sound", () => {
    const d = decide(craftedDocument(exp()));
    expect(d.status).toBe("ship");
    expect(d.title).toBe("Ship Treatment");
    expect(d.variant).toEqual({ key: "treatment", name: "Treatment" });
    expect(codes(d)).toEqual(["primary-win", "guardrail"]);
    expect(d.reasons[0]!.text).toMatch(/^Conversion improved with Treatment \(\+20\.\d% \[/);
    expect(d.bestArm).toMatchObject({ variantKey: "treatment", metricKey: "conversion", verdict: "win" });
  });

  it("Don't ship: a guardrail fails, even though the primary wins", () => {
    const d = decide(craftedDocument(exp({ metrics: [primary(0.1, 0.12), guardrail(3, 2.8)] })));
    expect(d.status).toBe("dont-ship");
    expect(d.title).toBe("Don't ship");
    expect(codes(d)).toEqual(["guardrail"]);
    expect(d.reasons.find((r) => r.code === "guardrail")!.text).toMatch(/^Guardrail Sessions got worse with Treatment \(-6\.\d% \[/);
    // the primary's win is context, not the reason
    expect(codes(d, false)).toContain("primary-win");
  });

  it("Don't ship: the primaries lose", () => {
    const d = decide(craftedDocument(exp({ metrics: [primary(0.12, 0.1), guardrail(3, 3)] })));
    expect(d.status).toBe("dont-ship");
    expect(codes(d)).toEqual(["primary-lose"]);
  });

  it("a lower-is-better primary that drops is a win", () => {
    const d = decide(craftedDocument(exp({ metrics: [primary(0.12, 0.1, { higherIsBetter: false, name: "Errors" }), guardrail(3, 3)] })));
    expect(d.status).toBe("ship");
  });

  it("Keep running: nothing moved yet, with the users and days the planned MDE needs", () => {
    const doc = craftedDocument(exp({ variants: two(2000), metrics: [primary(0.1, 0.101), guardrail(3, 3)], plannedMde: 0.05, dailyUsers: 400, days: 10 }));
    const d = decide(doc);
    expect(d.status).toBe("keep-running");
    expect(codes(d)).toEqual(["inconclusive", "needs-users"]);
    const p = d.power;
    if (isPowerUnavailable(p)) throw new Error(p.unavailable);
    // the stats engine's own sample size for the control's rate and the planned lift
    const perVariant = powerAnalysis({ power: { type: "proportion", baseline: 0.1, mde: 0.05, alpha: 0.05, power: 0.8 } }).power.usersPerVariant!;
    expect(p.planned.usersPerVariant).toBe(perVariant);
    expect(p.planned.moreUsers).toBe(2 * perVariant - 4000);
    expect(p.dailyUsers).toBe(400);
    expect(p.planned.daysLeft).toBe(Math.ceil((2 * perVariant - 4000) / 400));
    expect(p.reachableMde).toBeGreaterThan(0.05);
    const text = d.reasons.find((r) => r.code === "needs-users")!.text;
    expect(text).toContain(`needs about ${(2 * perVariant - 4000).toLocaleString("en-US")} more users`);
    expect(text).toContain(`about ${Math.ceil((2 * perVariant - 4000) / 400)} more days at 400 new users a day`);
  });

  it("Don't ship (no effect) once the test has the users its planned MDE needs and nothing moved", () => {
    const d = decide(craftedDocument(exp({ variants: two(400_000), metrics: [primary(0.1, 0.1), guardrail(3, 3)], plannedMde: 0.05 })));
    expect(d.status).toBe("dont-ship");
    expect(codes(d)).toEqual(["inconclusive", "no-effect"]);
    expect(d.reasons[1]!.text).toMatch(/could detect a change of ±\d\.\d% in Conversion \(planned: ±5(\.0+)?%\) and found none/);
  });

  it("Unreliable data: a sample ratio mismatch, and no row may read as a win", () => {
    const doc = craftedDocument(exp({ variants: two(10_400, 9_600) }));
    const d = decide(doc);
    expect(d.status).toBe("unreliable");
    expect(d.title).toBe("Unreliable data");
    expect(codes(d)).toEqual(["srm"]);
    expect(d.bestArm?.verdict).toBeNull();
    expect(d.reasons.every((r) => r.tone !== "good")).toBe(true);
    expect(d.reasons.some((r) => /looks better with Treatment .* but the data cannot be trusted/.test(r.text))).toBe(true);
    expect(shownVerdict({ verdict: "win" }, d)).toBe("unreliable");
  });

  it("Unreliable data: too many users in several variants (a warning from 1%, unreliable from 5%)", () => {
    const warn = decide(craftedDocument(exp({ excludedUsers: 400 })));
    expect(warn.status).toBe("ship");
    expect(warn.reasons.find((r) => r.code === "multiple-exposure")).toMatchObject({ tone: "warn", drives: false });
    const fail = decide(craftedDocument(exp({ excludedUsers: 1200 })));
    expect(fail.status).toBe("unreliable");
    expect(codes(fail)).toEqual(["multiple-exposure"]);
    expect(fail.reasons[0]!.text).toMatch(/^5\.66% of exposed users \(1,200\)/);
  });

  it("Unreliable data: pre-exposure bias (the CUPED pre-period means differ)", () => {
    const biased = exp({
      metrics: [primary(0.1, 0.12), guardrail(3, 3, { arms: { control: { mean: 3, sd: 2, pre: 3 }, treatment: { mean: 3, sd: 2, pre: 3.2 } } })],
    });
    const d = decide(craftedDocument(biased));
    expect(d.status).toBe("unreliable");
    expect(codes(d)).toEqual(["bias"]);
    expect(d.reasons[0]!.text).toMatch(/^Pre-exposure bias in Sessions: before exposure, Treatment's users already differed by \+6\.7%/);
    // a pre-period difference chance explains is fine
    const fine = exp({ metrics: [primary(0.1, 0.12), guardrail(3, 3, { arms: { control: { mean: 3, sd: 2, pre: 3 }, treatment: { mean: 3, sd: 2, pre: 3.01 } } })] });
    expect(decide(craftedDocument(fine)).status).toBe("ship");
  });

  it("Unreliable data: a sample ratio mismatch within a segment dimension, though the whole is balanced", () => {
    const d = decide(
      craftedDocument(exp({ segments: { platform: { ios: { control: 5600, treatment: 4400 }, android: { control: 4400, treatment: 5600 } } } })),
    );
    expect(d.status).toBe("unreliable");
    expect(codes(d)).toEqual(["segment-srm"]);
    expect(d.reasons[0]!.text).toContain("Platform: ios and android");
  });

  it("No results yet: never analysed", () => {
    const d = decide(craftedDocument(exp(), {}, false));
    expect(d.status).toBe("not-analysed");
    expect(d.title).toBe("No results yet");
  });
});

describe("decide: a running experiment waiting for its first exposures", () => {
  const plan = { exposureTable: "exposures", experimentKey: "free-shipping-banner", startDate: "2026-11-28", endDate: "2026-11-30", variants: ["control", "banner"] };
  const failedRun = (error: string): SnapshotSummary => ({
    id: 7,
    number: 1,
    status: "failed",
    warehouse: "duckdb",
    startedAt: "2026-11-30T09:00:00.000Z",
    finishedAt: "2026-11-30T09:00:01.000Z",
    durationMs: 900,
    bytesProcessed: null,
    rowCount: null,
    error,
  });
  /** the document of an experiment whose only run failed with this message */
  const failedOnly = (status: string, error: string, analysed = false): ResultsDocument => {
    const doc = craftedDocument(exp(), {}, analysed);
    return { ...doc, experiment: { ...doc.experiment, status }, lastFailure: failedRun(error) };
  };
  const nobody = noExposuresMessage(plan, 0);

  it("the stored message reads back: table, key and users left out", () => {
    expect(parseNoExposures(nobody)).toEqual({ exposureTable: "exposures", experimentKey: "free-shipping-banner", excludedUsers: 0 });
    expect(parseNoExposures(noExposuresMessage(plan, 12))).toMatchObject({ excludedUsers: 12 });
    expect(parseNoExposures('Catalog Error: Table with name "exposures" does not exist')).toBeNull();
    expect(parseNoExposures(null)).toBeNull();
  });

  it("running, nobody exposed yet, no successful analysis: Waiting for exposures, neutral, naming the table and the key", () => {
    const d = decide(failedOnly("running", nobody));
    expect(d.status).toBe("waiting");
    expect(d.title).toBe("Waiting for exposures");
    expect(d.headline).toBe("No exposures for “free-shipping-banner” yet");
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatchObject({ code: "waiting", tone: "neutral", drives: true });
    expect(d.reasons[0]!.text).toContain("the exposure table “exposures” holds no users with experiment_id “free-shipping-banner”");
    expect(d.reasons[0]!.text).toContain("analysed again on its schedule, or at once with “Refresh analysis”");
    expect(d.reasons[0]!.text).not.toMatch(/failed/i);
    expect(d.bestArm).toBeNull();
  });

  it("a message shortened when stored still reads as waiting, without the names it lost", () => {
    const d = decide(failedOnly("running", "no exposed users: the exposure tab … (900 more characters not stored)"));
    expect(d.status).toBe("waiting");
    expect(d.headline).toBe("No exposures yet");
    expect(d.reasons[0]!.text).toContain("the exposure table holds no users with this experiment");
  });

  it("a draft or stopped experiment whose analysis found nobody: a failed analysis that names the problem", () => {
    for (const status of ["draft", "stopped"]) {
      const d = decide(failedOnly(status, nobody));
      expect(d.status, status).toBe("not-analysed");
      expect(d.title).toBe("No results yet");
      expect(d.headline).toBe("The latest analysis found nobody");
      expect(d.reasons[0]).toMatchObject({ code: "failed", tone: "bad", drives: true });
      expect(d.reasons[0]!.text).toContain("failed");
      expect(d.reasons[0]!.text).toContain("in the exposure table “exposures” with experiment_id “free-shipping-banner”");
    }
  });

  it("running, but everyone exposed was seen in several variants: a fault, not a wait", () => {
    const d = decide(failedOnly("running", noExposuresMessage(plan, 1200)));
    expect(d.status).toBe("not-analysed");
    expect(d.reasons[0]).toMatchObject({ code: "failed", tone: "bad" });
    expect(d.reasons[0]!.text).toContain("(1,200 users were seen in several variants and left out)");
  });

  it("running, any other failure: the latest analysis failed", () => {
    const d = decide(failedOnly("running", 'Catalog Error: Table with name "exposures" does not exist'));
    expect(d.status).toBe("not-analysed");
    expect(d.headline).toBe("The latest analysis failed");
    expect(d.reasons[0]).toMatchObject({ code: "failed", tone: "bad" });
  });

  it("running with a successful analysis before the failure: the results decide, not the wait", () => {
    expect(decide(failedOnly("running", nobody, true)).status).toBe("ship");
  });
});

describe("decide: precedence", () => {
  it("unreliable data beats a failing guardrail and a winning primary", () => {
    const d = decide(craftedDocument(exp({ variants: two(10_400, 9_600), metrics: [primary(0.1, 0.12), guardrail(3, 2.8)] })));
    expect(d.status).toBe("unreliable");
    expect(codes(d, false)).toEqual(expect.arrayContaining(["srm", "guardrail"]));
  });

  it("three arms: the best shippable arm ships; an arm failing a guardrail does not, however large its win", () => {
    const three = (gamifiedSessions: number): CraftedExperiment => ({
      variants: [...two(), { key: "gamified", name: "Gamified flow", users: N }],
      metrics: [
        { key: "signups", name: "Signups", role: "primary", type: "proportion", arms: { control: { mean: 0.3 }, treatment: { mean: 0.315 }, gamified: { mean: 0.33 } } },
        { key: "sessions", name: "Sessions", role: "guardrail", type: "mean", arms: { control: { mean: 3, sd: 2 }, treatment: { mean: 3, sd: 2 }, gamified: { mean: gamifiedSessions, sd: 2 } } },
      ],
    });
    const both = decide(craftedDocument(three(3)));
    expect(both.title).toBe("Ship Gamified flow");
    expect(both.bestArm?.variantKey).toBe("gamified");
    const harmful = decide(craftedDocument(three(2.8)));
    expect(harmful.title).toBe("Ship Treatment");
    expect(codes(harmful, false)).toContain("guardrail");
  });

  it("one arm harmful, another still open: keep running, the harm named", () => {
    const d = decide(
      craftedDocument({
        variants: [...two(2000), { key: "b", name: "B", users: 2000 }],
        metrics: [
          { key: "conversion", name: "Conversion", role: "primary", type: "proportion", arms: { control: { mean: 0.1 }, treatment: { mean: 0.1 }, b: { mean: 0.1 } } },
          { key: "sessions", name: "Sessions", role: "guardrail", type: "mean", arms: { control: { mean: 3, sd: 1 }, treatment: { mean: 2.7, sd: 1 }, b: { mean: 3, sd: 1 } } },
        ],
      }),
    );
    expect(d.status).toBe("keep-running");
    expect(d.reasons[0]!.text).toBe("No primary metric has moved yet with B.");
    expect(d.reasons.some((r) => r.code === "guardrail" && r.text.includes("Treatment"))).toBe(true);
  });

  it("a primary win with another primary losing is not shippable", () => {
    const d = decide(
      craftedDocument(exp({ metrics: [primary(0.1, 0.12), { ...primary(0.2, 0.17), key: "retention", name: "Retention" }, guardrail(3, 3)] })),
    );
    expect(d.status).toBe("dont-ship");
    expect(codes(d)).toEqual(["primary-lose"]);
  });

  it("the status follows the view: Bayesian verdicts, and a correction that makes a marginal win inconclusive", () => {
    // z ≈ 2.2: a win at 5% without correction, not after Holm over 4 comparisons
    const marginal = exp({
      variants: two(20_000),
      metrics: [primary(0.1, 0.106), guardrail(3, 3), { ...guardrail(3, 3), key: "g2" }, { ...guardrail(3, 3), key: "g3" }],
    });
    expect(decide(craftedDocument(marginal)).status).toBe("ship");
    expect(decide(craftedDocument(marginal, { correction: "holm" })).status).toBe("keep-running");
    expect(decide(craftedDocument(marginal, { mode: "bayesian" })).status).toBe("ship");
  });
});
