// The decision: one status with the reasons that drive it, from a snapshot's derived results and
// health. The one function behind the page's headline, the list, the JSON API and the report.
//
// Precedence (first that applies):
//   1. no successful analysis: a running experiment whose latest run found nobody exposed yet
//      (the scheduler analyses a new running experiment at once) → "Waiting for exposures";
//      any other                                      → "No results yet"
//   2. the data cannot be trusted (SRM overall or in a segment dimension, too many users in
//      several variants, pre-exposure bias)            → "Unreliable data" (no row may say "win")
//   3. some treatment ships: a primary metric wins, no primary loses, no guardrail fails
//                                                      → "Ship <variant>" (the best such arm)
//   4. every treatment harms: a guardrail fails or a primary loses
//                                                      → "Don't ship"
//   5. otherwise nothing is proven yet: with the users its planned MDE needs, no effect that
//      large exists → "Don't ship"; before that        → "Keep running" (users and days needed)
import { absoluteLiftText, formatInteger, formatPercent, formatPercentShort, formatPLabel, liftLine, relativeLiftText, type ValueKind } from "@/lib/format";
import type { ResultsDocument } from "@/lib/analysis/results-document";
import { parseNoExposures, type NoExposuresFacts } from "@/lib/analysis/no-exposures";
import { isPowerUnavailable, powerSummary, type PowerSummary, type PowerUnavailable } from "./power";
import { allRows, type LiftInterval, type ResultRow, type Verdict } from "./results-view";

export type DecisionStatus = "ship" | "dont-ship" | "keep-running" | "unreliable" | "waiting" | "not-analysed";

export type ReasonCode =
  | "no-analysis"
  | "failed"
  | "waiting"
  | "srm"
  | "segment-srm"
  | "multiple-exposure"
  | "bias"
  | "guardrail"
  | "primary-win"
  | "primary-lose"
  | "inconclusive"
  | "no-effect"
  | "needs-users"
  | "no-primary"
  | "traffic"
  | "placebo";

export interface DecisionReason {
  code: ReasonCode;
  /** how the reason reads: good news, bad news, a caution, or plain information */
  tone: "good" | "bad" | "warn" | "neutral";
  text: string;
  /** true when this reason decides the status (the others are context) */
  drives: boolean;
}

export interface ArmSummary {
  key: string;
  name: string;
  primaryWins: ResultRow[];
  primaryLoses: ResultRow[];
  guardrailFails: ResultRow[];
  shippable: boolean;
  harmful: boolean;
}

/** The best treatment on the first primary metric (the list's headline). */
export interface BestArm {
  variantKey: string;
  variantName: string;
  metricKey: string;
  metricName: string;
  relative: LiftInterval;
  absolute: LiftInterval;
  kind: ValueKind;
  /** the row's verdict, or null when the data are unreliable (no win may be shown) */
  verdict: Verdict | null;
}

export interface Decision {
  status: DecisionStatus;
  /** "Ship Gamified flow", "Don't ship", "Keep running", "Unreliable data", "Waiting for exposures", "No results yet" */
  title: string;
  /** the main reason in a few words, for the list: "Guardrail Sessions per user -4.9%" */
  headline: string;
  /** the variant to ship (status "ship") */
  variant: { key: string; name: string } | null;
  reasons: DecisionReason[];
  bestArm: BestArm | null;
  power: PowerSummary | PowerUnavailable;
  arms: ArmSummary[];
}

export const STATUS_TITLES: Record<Exclude<DecisionStatus, "ship">, string> = {
  "dont-ship": "Don't ship",
  "keep-running": "Keep running",
  unreliable: "Unreliable data",
  waiting: "Waiting for exposures",
  "not-analysed": "No results yet",
};

/** The statuses, in the order a filter offers them. */
export const STATUS_FILTERS: { value: DecisionStatus; label: string }[] = [
  { value: "ship", label: "Ship" },
  { value: "dont-ship", label: "Don't ship" },
  { value: "keep-running", label: "Keep running" },
  { value: "unreliable", label: "Unreliable data" },
  { value: "waiting", label: "Waiting for exposures" },
  { value: "not-analysed", label: "No results yet" },
];

const kindOf = (r: Pick<ResultRow, "statistic" | "unit" | "currency">): ValueKind => ({ statistic: r.statistic, unit: r.unit, currency: r.currency });

function liftText(r: ResultRow): string {
  return liftLine(relativeLiftText(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh));
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function armsOf(doc: ResultsDocument, rows: ResultRow[]): ArmSummary[] {
  const control = doc.experiment.controlVariant;
  return doc.experiment.variants
    .filter((v) => v.key !== control)
    .map((v) => {
      const mine = rows.filter((r) => r.variantKey === v.key);
      const primaryWins = mine.filter((r) => r.role === "primary" && r.verdict === "win");
      const primaryLoses = mine.filter((r) => r.role === "primary" && r.verdict === "lose");
      const guardrailFails = mine.filter((r) => r.role === "guardrail" && r.verdict === "lose");
      return {
        key: v.key,
        name: v.name,
        primaryWins,
        primaryLoses,
        guardrailFails,
        shippable: primaryWins.length > 0 && primaryLoses.length === 0 && guardrailFails.length === 0,
        harmful: primaryLoses.length > 0 || guardrailFails.length > 0,
      };
    });
}

/** Direction-aware goodness of a lift: larger is better for every metric. */
function goodness(r: ResultRow): number {
  const x = r.relative.estimate ?? r.absolute.estimate;
  if (x === null) return Number.NEGATIVE_INFINITY;
  return r.higherIsBetter ? x : -x;
}

function bestArmOf(rows: ResultRow[], doc: ResultsDocument, among: string[] | null, unreliable: boolean): BestArm | null {
  const primary = doc.metrics.find((m) => m.role === "primary") ?? doc.metrics[0];
  if (!primary) return null;
  const candidates = rows.filter((r) => r.metricKey === primary.key && (among === null || among.includes(r.variantKey)));
  const best = [...candidates].sort((a, b) => goodness(b) - goodness(a))[0];
  if (!best) return null;
  return {
    variantKey: best.variantKey,
    variantName: best.variantName,
    metricKey: best.metricKey,
    metricName: best.metricName,
    relative: best.relative,
    absolute: best.absolute,
    kind: kindOf(best),
    verdict: unreliable ? null : best.verdict,
  };
}

function healthReasons(doc: ResultsDocument): DecisionReason[] {
  const h = doc.health;
  if (!h) return [];
  const out: DecisionReason[] = [];
  const names = new Map(doc.experiment.variants.map((v) => [v.key, v.name]));
  const metricNames = new Map(doc.metrics.map((m) => [m.key, m.name]));
  if (h.srm.level === "fail") {
    const split = h.srm.variants.map((v) => `${names.get(v.key) ?? v.key} ${formatPercent(v.observedShare, 1)} (planned ${formatPercent(v.expectedShare, 1)})`).join(", ");
    out.push({ code: "srm", tone: "bad", drives: true, text: `Sample ratio mismatch: ${split}; χ² ${formatPLabel(h.srm.pValue)}. The assignment or the exposure logging is broken, so every lift below may be biased.` });
  }
  for (const dim of h.segmentSrm) {
    if (dim.level !== "fail" || h.srm.level === "fail") continue;
    const values = dim.values.filter((v) => v.mismatch).map((v) => v.value);
    out.push({ code: "segment-srm", tone: "bad", drives: true, text: `Sample ratio mismatch within ${dim.label}: ${orList(values)} (each p < ${formatPercent(dim.threshold, undefined)}). The split is broken for part of the users.` });
  }
  const me = h.multipleExposure;
  if (me.level === "fail" || me.level === "warn") {
    out.push({
      code: "multiple-exposure",
      tone: me.level === "fail" ? "bad" : "warn",
      drives: me.level === "fail",
      text: `${formatPercent(me.share)} of exposed users (${formatInteger(me.excluded)}) were seen in several variants and left out${me.level === "fail" ? ": that many means the assignment is not sticky" : ""}.`,
    });
  }
  const biased = h.bias.rows.filter((r) => r.level === "fail");
  for (const r of biased) {
    out.push({
      code: "bias",
      tone: "bad",
      drives: true,
      text: `Pre-exposure bias in ${metricNames.get(r.metric) ?? r.metric}: before exposure, ${names.get(r.variant) ?? r.variant}'s users already differed by ${relativeLiftText(r.relativeDifference, null, null).estimate} (Holm-adjusted ${formatPLabel(r.adjustedPValue)}).`,
    });
  }
  if (h.traffic.gaps.length > 0) {
    const g = h.traffic.gaps[0]!;
    out.push({ code: "traffic", tone: "warn", drives: false, text: `${names.get(g.variant) ?? g.variant} had no new users on ${g.date} while the others had plenty${h.traffic.gaps.length > 1 ? ` (${h.traffic.gaps.length} such days)` : ""}: check its exposure logging.` });
  }
  if (h.placebo.level === "warn") {
    out.push({
      code: "placebo",
      tone: "warn",
      drives: false,
      text: `The placebo A/A found effects in ${formatPercent(h.placebo.rate)} of ${h.placebo.comparisons} comparisons where ${formatPercent(h.placebo.alpha)} are expected: this setup finds effects that are not there, so treat borderline results with care.`,
    });
  }
  return out;
}

function shortLift(r: ResultRow): string {
  return relativeLiftText(r.relative.estimate, r.relative.ciLow, r.relative.ciHigh).estimate;
}

function unreliableHeadline(reasons: DecisionReason[], doc: ResultsDocument): string {
  const first = reasons.find((r) => r.drives);
  if (!first) return "The data cannot be trusted";
  if (first.code === "srm") return "Sample ratio mismatch";
  if (first.code === "segment-srm") return `Sample ratio mismatch in a segment`;
  if (first.code === "multiple-exposure") return `${formatPercent(doc.health?.multipleExposure.share ?? null, 2)} of users in several variants`;
  return "Pre-exposure bias";
}

function powerReason(p: PowerSummary, status: "keep-running" | "dont-ship"): DecisionReason {
  const mde = formatPercentShort(p.plannedMde, 2);
  if (status === "dont-ship") {
    return {
      code: "no-effect",
      tone: "neutral",
      drives: true,
      text: `With ${formatInteger(p.usersPerVariant)} users per variant the test could detect a change of ±${formatPercentShort(p.reachableMde)} in ${p.metricName} (planned: ±${mde}) and found none: the change does not deliver the effect it was sized for.`,
    };
  }
  const more = p.planned.moreUsers;
  const days = p.planned.daysLeft;
  const when =
    days === null
      ? p.dailyUsers === 0 || p.dailyUsers === null
        ? "; no new users arrived recently, so the days cannot be estimated"
        : ""
      : ` (about ${formatInteger(days)} more day${days === 1 ? "" : "s"} at ${formatInteger(p.dailyUsers)} new users a day)`;
  return {
    code: "needs-users",
    tone: "neutral",
    drives: true,
    text:
      more === null
        ? `The planned effect of ±${mde} on ${p.metricName} cannot be reached at this baseline.`
        : `Detecting the planned effect of ±${mde} on ${p.metricName} needs about ${formatInteger(more)} more users${when}; so far it can detect ±${formatPercentShort(p.reachableMde)}.`,
  };
}

function nobodyWhere(n: NoExposuresFacts): string {
  const several = n.excludedUsers > 0 ? ` (${formatInteger(n.excludedUsers)} users were seen in several variants and left out)` : "";
  if (n.exposureTable === null || n.experimentKey === null) return several;
  return ` in the exposure table “${n.exposureTable}” with experiment_id “${n.experimentKey}”${several}`;
}

/**
 * No successful analysis yet. A running experiment whose latest run found nobody (and nobody left
 * out for being in several variants) is waiting for its first exposures, which is expected at its
 * start; anything else is a failure to fix, or an analysis still to run.
 */
function notAnalysed(doc: ResultsDocument, power: Decision["power"]): Decision {
  const failed = doc.lastFailure;
  const nobody = parseNoExposures(failed?.error);
  const base = { variant: null, bestArm: null, power, arms: [] };
  if (doc.experiment.status === "running" && nobody && nobody.excludedUsers === 0) {
    const where = nobody.exposureTable === null ? "the exposure table" : `the exposure table “${nobody.exposureTable}”`;
    const key = nobody.experimentKey === null ? "this experiment" : `experiment_id “${nobody.experimentKey}”`;
    return {
      status: "waiting",
      title: STATUS_TITLES.waiting,
      headline: nobody.experimentKey === null ? "No exposures yet" : `No exposures for “${nobody.experimentKey}” yet`,
      reasons: [
        {
          code: "waiting",
          tone: "neutral",
          drives: true,
          text: `The experiment is running, but nobody has been exposed yet: ${where} holds no users with ${key}. It is analysed again on its schedule, or at once with “Refresh analysis”.`,
        },
      ],
      ...base,
    };
  }
  const reason: DecisionReason = !failed
    ? { code: "no-analysis", tone: "neutral", drives: true, text: "The experiment has not been analysed yet." }
    : nobody
      ? { code: "failed", tone: "bad", drives: true, text: `The latest analysis failed, and none succeeded before it: it found nobody${nobodyWhere(nobody)}. Check the exposure key, the dates and the variant keys; its message is below.` }
      : { code: "failed", tone: "bad", drives: true, text: "The latest analysis failed, and none succeeded before it: its message is below." };
  return {
    status: "not-analysed",
    title: STATUS_TITLES["not-analysed"],
    headline: !failed ? "Not analysed yet" : nobody ? "The latest analysis found nobody" : "The latest analysis failed",
    reasons: [reason],
    ...base,
  };
}

/** The status of an experiment and its reasons, from its results document (derived results + health). */
export function decide(doc: ResultsDocument): Decision {
  const power = powerSummary(doc);
  if (!doc.snapshot) return notAnalysed(doc, power);
  const rows = allRows(doc);
  const arms = armsOf(doc, rows);
  const health = healthReasons(doc);
  const unreliable = health.some((r) => r.drives);
  const context: DecisionReason[] = [];
  for (const a of arms) {
    for (const r of a.guardrailFails) context.push({ code: "guardrail", tone: "bad", drives: false, text: `Guardrail ${r.metricName} got worse with ${a.name} (${liftText(r)}).` });
    for (const r of a.primaryLoses) context.push({ code: "primary-lose", tone: "bad", drives: false, text: `${r.metricName} got worse with ${a.name} (${liftText(r)}).` });
    for (const r of a.primaryWins) context.push({ code: "primary-win", tone: "good", drives: false, text: `${r.metricName} improved with ${a.name} (${liftText(r)}).` });
  }
  const base = { power, arms };
  if (unreliable) {
    // the lifts are shown for inspection, but no row may read as a win
    const neutral = context.map((r): DecisionReason => ({ ...r, tone: r.tone === "good" ? "neutral" : r.tone, text: r.code === "primary-win" ? r.text.replace(" improved with ", " looks better with ") : r.text }));
    return {
      status: "unreliable",
      title: STATUS_TITLES.unreliable,
      headline: unreliableHeadline(health, doc),
      variant: null,
      reasons: [...health, ...neutral.map((r) => ({ ...r, text: `${r.text.replace(/\.$/, "")}, but the data cannot be trusted.` }))],
      bestArm: bestArmOf(rows, doc, null, true),
      ...base,
    };
  }
  const warnings = health;
  if (!doc.metrics.some((m) => m.role === "primary")) {
    return {
      status: "keep-running",
      title: STATUS_TITLES["keep-running"],
      headline: "No primary metric",
      variant: null,
      reasons: [{ code: "no-primary", tone: "warn", drives: true, text: "The experiment has no primary metric: add one to decide." }, ...context, ...warnings],
      bestArm: bestArmOf(rows, doc, null, false),
      ...base,
    };
  }
  const shippable = arms.filter((a) => a.shippable);
  if (shippable.length > 0) {
    const best = bestArmOf(rows, doc, shippable.map((a) => a.key), false)!;
    const arm = shippable.find((a) => a.key === best.variantKey)!;
    const drives = arm.primaryWins.map((r): DecisionReason => ({ code: "primary-win", tone: "good", drives: true, text: `${r.metricName} improved with ${arm.name} (${liftText(r)}).` }));
    const guardrails = doc.metrics.filter((m) => m.role === "guardrail");
    const safe: DecisionReason[] = guardrails.length
      ? [{ code: "guardrail", tone: "good", drives: true, text: `No guardrail got worse with ${arm.name} (${orList(guardrails.map((g) => g.name))}).` }]
      : [];
    const others = context.filter((r) => !(r.code === "primary-win" && r.text.includes(` with ${arm.name} (`)));
    return {
      status: "ship",
      title: `Ship ${arm.name}`,
      headline: arm.primaryWins.map((r) => `${r.metricName} ${shortLift(r)}`).join(", "),
      variant: { key: arm.key, name: arm.name },
      reasons: [...drives, ...safe, ...others, ...warnings],
      bestArm: best,
      ...base,
    };
  }
  if (arms.length > 0 && arms.every((a) => a.harmful)) {
    return {
      status: "dont-ship",
      title: STATUS_TITLES["dont-ship"],
      headline: (() => {
        const g = arms.flatMap((a) => a.guardrailFails)[0];
        if (g) return `Guardrail ${g.metricName} ${shortLift(g)}`;
        const l = arms.flatMap((a) => a.primaryLoses)[0];
        return l ? `${l.metricName} ${shortLift(l)}` : "Every variant does harm";
      })(),
      variant: null,
      reasons: [...context.map((r) => (r.tone === "bad" ? { ...r, drives: true } : r)), ...warnings],
      bestArm: bestArmOf(rows, doc, null, false),
      ...base,
    };
  }
  const open = arms.filter((a) => !a.harmful).map((a) => a.name);
  const inconclusive: DecisionReason = {
    code: "inconclusive",
    tone: "neutral",
    drives: true,
    text: `No primary metric has moved yet with ${orList(open)}.`,
  };
  if (!isPowerUnavailable(power) && power.reached) {
    return {
      status: "dont-ship",
      title: STATUS_TITLES["dont-ship"],
      headline: `No effect of ±${formatPercentShort(power.plannedMde, 2)} or more`,
      variant: null,
      reasons: [inconclusive, powerReason(power, "dont-ship"), ...context, ...warnings],
      bestArm: bestArmOf(rows, doc, null, false),
      ...base,
    };
  }
  const more = isPowerUnavailable(power) ? null : power.planned;
  return {
    status: "keep-running",
    title: STATUS_TITLES["keep-running"],
    headline:
      more?.moreUsers != null
        ? `About ${formatInteger(more.moreUsers)} more users${more.daysLeft !== null ? ` (${formatInteger(more.daysLeft)} days)` : ""}`
        : "Not enough evidence yet",
    variant: null,
    reasons: [
      inconclusive,
      isPowerUnavailable(power) ? { code: "needs-users", tone: "neutral", drives: false, text: `Users needed: ${power.unavailable}` } : powerReason(power, "keep-running"),
      ...context,
      ...warnings,
    ],
    bestArm: bestArmOf(rows, doc, null, false),
    ...base,
  };
}

/** A best arm's lift as text: "+8.9% [+4.0%, +13.8%]" (relative) and its absolute lift in the metric's unit. */
export function bestArmText(b: BestArm): { relative: string; absolute: string } {
  return {
    relative: liftLine(relativeLiftText(b.relative.estimate, b.relative.ciLow, b.relative.ciHigh)),
    absolute: liftLine(absoluteLiftText(b.absolute.estimate, b.absolute.ciLow, b.absolute.ciHigh, b.kind)),
  };
}

/** The verdict a row shows next to the decision: none under unreliable data (no row may say win). */
export function shownVerdict(row: Pick<ResultRow, "verdict">, decision: Pick<Decision, "status">): Verdict | "unreliable" {
  return decision.status === "unreliable" ? "unreliable" : row.verdict;
}
