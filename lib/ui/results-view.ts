// What the dashboard, its exports and the report show for one view: rows per metric × treatment
// variant with a verdict, the columns that fit the view's mode, and the shared scale of the
// interval bars. Pure (type imports only), so the server page, the report and client-side exports
// build the very same rows.
import type { ResultsDocument } from "@/lib/analysis/results-document";
import type { DisplayOptions } from "@/lib/ui/view-params";
import type { Role } from "@/lib/analysis/experiments";
import type { ViewOptions } from "@/lib/analysis/stats-request";
import { fiellerRelative, treatmentShare } from "./relative-interval";

export type Verdict = "win" | "lose" | "inconclusive";
export type Mode = "frequentist" | "bayesian";

export interface LiftInterval {
  estimate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface ResultRow {
  metricKey: string;
  metricName: string;
  description: string;
  role: Role;
  statistic: "mean" | "proportion" | "ratio" | "quantile";
  /** what the per-variant value is: "mean", "rate", "ratio", "p90" … */
  valueLabel: string;
  unit: string;
  /** money metrics: ISO 4217 code */
  currency: string | null;
  higherIsBetter: boolean;
  variantKey: string;
  variantName: string;
  /** position of the variant among the experiment's variants (stable colours) */
  variantIndex: number;
  controlKey: string;
  controlName: string;
  controlN: number | null;
  variantN: number;
  controlMean: number | null;
  variantMean: number | null;
  absolute: LiftInterval;
  relative: LiftInterval;
  absolute68: LiftInterval | null;
  relative68: LiftInterval | null;
  pValue: number | null;
  adjustedPValue: number | null;
  /** probability that the variant is better than control (respects higherIsBetter) */
  chanceToWin: number | null;
  /** expected loss of shipping the variant, relative-lift units (respects higherIsBetter) */
  risk: number | null;
  cuped: boolean;
  verdict: Verdict;
}

const nullInterval = (): LiftInterval => ({ estimate: null, ciLow: null, ciHigh: null });

function finite(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function clean(i: { estimate: number | null; ciLow: number | null; ciHigh: number | null } | undefined): LiftInterval {
  if (!i) return nullInterval();
  return {
    estimate: finite(i.estimate) ? i.estimate : null,
    ciLow: finite(i.ciLow) ? i.ciLow : null,
    ciHigh: finite(i.ciHigh) ? i.ciHigh : null,
  };
}

export function modeOf(view: Pick<ViewOptions, "mode">): Mode {
  return view.mode === "bayesian" ? "bayesian" : "frequentist";
}

/**
 * Frequentist: the absolute interval (at the view's level, corrected / sequential as chosen)
 * excludes zero; that interval and the p-value come from the same test, so the verdict and the
 * (adjusted) p-value always agree. Bayesian: chance to win ≥ 1 − α is a win, ≤ α a loss (the
 * credible interval shown is at 1 − 2α, so it excludes zero at the same point).
 */
export function verdictOf(row: Pick<ResultRow, "absolute" | "chanceToWin" | "higherIsBetter">, mode: Mode, alpha: number): Verdict {
  if (mode === "bayesian") {
    if (!finite(row.chanceToWin)) return "inconclusive";
    if (row.chanceToWin >= 1 - alpha) return "win";
    if (row.chanceToWin <= alpha) return "lose";
    return "inconclusive";
  }
  const ci = row.absolute;
  if (ci.ciLow === null || ci.ciHigh === null) return "inconclusive";
  if (ci.ciLow > 0) return row.higherIsBetter ? "win" : "lose";
  if (ci.ciHigh < 0) return row.higherIsBetter ? "lose" : "win";
  return "inconclusive";
}

/** What a metric's per-variant value is called: its mean, rate, ratio or quantile ("p90"). */
export function valueLabel(m: Pick<ResultsDocument["metrics"][number], "statistic" | "quantile">): string {
  if (m.statistic === "proportion") return "rate";
  if (m.statistic === "ratio") return "ratio";
  if (m.statistic === "quantile") {
    const level = m.quantile?.level;
    return level === undefined ? "quantile" : `p${Math.round(level * 1000) / 10}`;
  }
  return "mean";
}

/** Every metric × treatment variant of the document, unfiltered, with verdicts in the view's mode. */
export function allRows(doc: ResultsDocument, mode: Mode = modeOf(doc.view)): ResultRow[] {
  const control = doc.experiment.controlVariant;
  const order = new Map(doc.experiment.variants.map((v, i) => [v.key, i]));
  const controlName = doc.experiment.variants.find((v) => v.key === control)?.name ?? control;
  return doc.metrics.flatMap((m) => {
    const c = m.variants.find((v) => v.id === control);
    return m.variants
      .filter((v) => v.id !== control)
      .map((v): ResultRow => {
        const up = m.higherIsBetter;
        const ctw = finite(v.chanceToWin) ? (up ? v.chanceToWin : 1 - v.chanceToWin) : null;
        const riskRaw = up ? v.risk?.treatment : v.risk?.control;
        const level68 = v.intervals?.find((i) => Math.abs(i.level - 0.68) < 1e-9);
        // frequentist: the relative interval that agrees with the test of the difference (Fieller);
        // Bayesian: the posterior of the relative lift, which the chance to win comes from
        const share = treatmentShare(finite(v.stdDev) ? v.stdDev : null, v.n, finite(c?.stdDev) ? c.stdDev : null, c ? c.n : null);
        const controlMean = finite(c?.mean) ? c.mean : null;
        const consistent = (abs: LiftInterval, rel: LiftInterval): LiftInterval =>
          mode === "frequentist" ? (fiellerRelative(abs, controlMean, share) ?? rel) : rel;
        const absolute = clean(v.absolute);
        const absolute68 = level68 ? clean(level68.absolute) : null;
        const row: Omit<ResultRow, "verdict"> = {
          metricKey: m.key,
          metricName: m.name,
          description: m.description,
          role: m.role,
          statistic: m.statistic,
          valueLabel: valueLabel(m),
          unit: m.unit,
          currency: m.currency ?? null,
          higherIsBetter: up,
          variantKey: v.id,
          variantName: v.name,
          variantIndex: order.get(v.id) ?? 0,
          controlKey: control,
          controlName,
          controlN: c ? c.n : null,
          variantN: v.n,
          controlMean: finite(c?.mean) ? c.mean : null,
          variantMean: finite(v.mean) ? v.mean : null,
          absolute,
          relative: consistent(absolute, clean(v.relative)),
          absolute68,
          relative68: level68 && absolute68 ? consistent(absolute68, clean(level68.relative)) : null,
          pValue: finite(v.pValue) ? v.pValue : null,
          adjustedPValue: finite(v.adjustedPValue) ? v.adjustedPValue : null,
          chanceToWin: ctw,
          risk: finite(riskRaw) ? riskRaw : null,
          cuped: v.cuped === true,
        };
        return { ...row, verdict: verdictOf(row, mode, doc.view.alpha) };
      });
  });
}

/** The rows the page shows: metric and variant filters, then "significant only". */
export function visibleRows(doc: ResultsDocument, display: DisplayOptions): ResultRow[] {
  return allRows(doc, modeOf(doc.view)).filter(
    (r) =>
      (display.metrics === null || display.metrics.includes(r.metricKey)) &&
      (display.variants === null || display.variants.includes(r.variantKey)) &&
      (!display.significantOnly || r.verdict !== "inconclusive"),
  );
}

/** The p-value a view shows: the adjusted one when a correction or sequential testing is on. */
export function shownPValue(row: ResultRow, correction: string): number | null {
  return correction === "none" ? row.pValue : row.adjustedPValue;
}

export const CORRECTION_LABELS: Record<string, string> = { none: "none", holm: "Holm", bh: "Benjamini–Hochberg" };

export function pValueHeader(correction: string, sequential = false): string {
  const parts = [correction === "none" ? null : `${CORRECTION_LABELS[correction] ?? correction}-adjusted`, sequential ? "sequential" : null].filter(Boolean);
  return parts.length ? `p-value (${parts.join(", ")})` : "p-value";
}

/** Confidence level, in percent, of a significance level: 95 or 99.5. */
export function levelPercent(alpha: number): string {
  const p = (1 - alpha) * 100;
  return Number.isInteger(Math.round(p * 10) / 10) ? String(Math.round(p)) : (Math.round(p * 10) / 10).toString();
}

/** The columns a view shows, labelled for its mode (no column that belongs to the other mode). */
export interface ColumnLabels {
  mode: Mode;
  /** the interval's level in percent, e.g. "95" (or "90" for Bayesian credible intervals at α = 5%) */
  level: string;
  /** "95% CI", "95% CI, Holm-adjusted", "95% confidence sequence", "90% credible interval" */
  interval: string;
  /** frequentist only */
  pValue: string | null;
  /** what the p-value is adjusted for, on a second line: "Holm-adjusted, sequential" */
  pValueSub: string | null;
  /** Bayesian only */
  chanceToWin: string | null;
  risk: string | null;
  /** one line saying what the verdict means in this view */
  verdictRule: string;
}

export function columnLabels(view: ViewOptions): ColumnLabels {
  const mode = modeOf(view);
  if (mode === "bayesian") {
    const credible = levelPercent(Math.min(2 * view.alpha, 0.5));
    const win = levelPercent(view.alpha);
    return {
      mode,
      level: credible,
      interval: `${credible}% credible interval`,
      pValue: null,
      pValueSub: null,
      chanceToWin: "Chance to win",
      risk: "Risk",
      verdictRule: `Win: chance to win of at least ${win}% (the ${credible}% credible interval then lies above zero); lose: at most ${levelPercent(1 - view.alpha)}%. Flat prior; no correction or sequential adjustment applies to Bayesian results.`,
    };
  }
  const level = levelPercent(view.alpha);
  const adjustments = [view.correction !== "none" ? `${CORRECTION_LABELS[view.correction]}-adjusted` : null].filter(Boolean);
  const interval = view.sequential ? `${level}% confidence sequence` : `${level}% CI`;
  return {
    mode,
    level,
    interval: adjustments.length ? `${interval}, ${adjustments.join(", ")}` : interval,
    pValue: pValueHeader(view.correction, view.sequential),
    pValueSub: [view.correction !== "none" ? `${CORRECTION_LABELS[view.correction]}-adjusted` : null, view.sequential ? "sequential" : null].filter(Boolean).join(", ") || null,
    chanceToWin: null,
    risk: null,
    verdictRule: `Win or lose: the ${level}% ${view.sequential ? "confidence sequence" : "interval"}${
      view.correction !== "none" ? ` (${CORRECTION_LABELS[view.correction]}-adjusted over every metric and variant)` : ""
    } excludes zero, exactly when the p-value shown is below ${view.alpha}.`,
  };
}

export const ROLE_ORDER: { role: Role; title: string }[] = [
  { role: "primary", title: "Primary metrics" },
  { role: "secondary", title: "Secondary metrics" },
  { role: "guardrail", title: "Guardrail metrics" },
];

/** The lift an interval bar draws. */
export function liftOf(row: ResultRow, display: "relative" | "absolute"): LiftInterval {
  return display === "relative" ? row.relative : row.absolute;
}

/** A scale for interval bars: [min, max], always including zero, with a little room. */
export interface BarScale {
  min: number;
  max: number;
}

function scaleOf(intervals: LiftInterval[]): BarScale {
  let lo = 0;
  let hi = 0;
  for (const i of intervals) {
    for (const x of [i.estimate, i.ciLow, i.ciHigh]) {
      if (x === null) continue;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
  }
  if (hi - lo < 1e-12) return { min: -1, max: 1 };
  const pad = (hi - lo) * 0.05;
  return { min: lo - pad, max: hi + pad };
}

/**
 * The scale of each row's interval bar: relative lifts share one scale across every table (they
 * are comparable); absolute lifts are in each metric's own unit, so each metric has its own.
 */
type Scaled = Pick<ResultRow, "metricKey" | "relative" | "absolute">;

export function barScales(rows: readonly Scaled[], display: "relative" | "absolute"): (row: Scaled) => BarScale {
  if (display === "relative") {
    const shared = scaleOf(rows.map((r) => r.relative));
    return () => shared;
  }
  const byMetric = new Map<string, BarScale>();
  for (const key of new Set(rows.map((r) => r.metricKey))) byMetric.set(key, scaleOf(rows.filter((r) => r.metricKey === key).map((r) => r.absolute)));
  return (row) => byMetric.get(row.metricKey) ?? { min: -1, max: 1 };
}

// ---- segments and time series (absent on snapshots taken before they existed) ----

export type SegmentInfo = ResultsDocument["segments"][number];
export type TimeseriesSet = ResultsDocument["timeseries"][number];
export type TimeseriesPoint = TimeseriesSet["points"][number];

export interface DocumentExtras {
  segments: SegmentInfo[];
  segment: string;
  timeseries: TimeseriesSet[];
}

/** Segments and time series of a document, empty when the snapshot does not carry them. */
export function extrasOf(doc: ResultsDocument): DocumentExtras {
  return {
    segments: Array.isArray(doc.segments) ? doc.segments : [],
    segment: typeof doc.segment === "string" ? doc.segment : "all",
    timeseries: Array.isArray(doc.timeseries) ? doc.timeseries : [],
  };
}

export const SEGMENT_DIMENSION_LABELS: Record<SegmentInfo["dimension"], string> = {
  all: "All users",
  platform: "Platform",
  country: "Country",
  user_type: "New vs existing",
};
