// What the dashboard, its exports and the report show for one view: rows per metric × treatment
// variant with a verdict, after the display filters. Pure (type imports only), so the server page and
// the client-side exports build the very same rows.
import type { ResultsDocument } from "@/lib/analysis/results-document";
import type { DisplayOptions } from "@/lib/ui/view-params";
import type { Role } from "@/lib/analysis/experiments";

export type Verdict = "win" | "lose" | "inconclusive";

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

/**
 * Frequentist: the absolute interval (at the view's level, corrected / sequential as chosen)
 * excludes zero; that interval and the p-value come from the same Welch test, so the verdict and
 * the p-value always agree (the delta-method relative interval can differ slightly near the edge).
 * Bayesian: chance to win ≥ 1 − α is a win, ≤ α a loss.
 */
export function verdictOf(
  row: Pick<ResultRow, "absolute" | "chanceToWin" | "higherIsBetter">,
  mode: DisplayOptions["mode"],
  alpha: number,
): Verdict {
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

/** Every metric × treatment variant of the document, unfiltered. */
export function allRows(doc: ResultsDocument, mode: DisplayOptions["mode"] = "frequentist"): ResultRow[] {
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
        const row: Omit<ResultRow, "verdict"> = {
          metricKey: m.key,
          metricName: m.name,
          description: m.description,
          role: m.role,
          statistic: m.statistic,
          valueLabel: valueLabel(m),
          unit: m.unit,
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
          absolute: clean(v.absolute),
          relative: clean(v.relative),
          absolute68: level68 ? clean(level68.absolute) : null,
          relative68: level68 ? clean(level68.relative) : null,
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
  return allRows(doc, display.mode).filter(
    (r) =>
      (display.metrics === null || display.metrics.includes(r.metricKey)) &&
      (display.variants === null || display.variants.includes(r.variantKey)) &&
      (!display.significantOnly || r.verdict !== "inconclusive"),
  );
}

/** The p-value a view shows: the adjusted one when a correction is on. */
export function shownPValue(row: ResultRow, correction: string): number | null {
  return correction === "none" ? row.pValue : row.adjustedPValue;
}

export const CORRECTION_LABELS: Record<string, string> = { none: "none", holm: "Holm", bh: "Benjamini–Hochberg" };

export function pValueHeader(correction: string): string {
  return correction === "none" ? "p-value" : `p-value (${CORRECTION_LABELS[correction] ?? correction}-adjusted)`;
}

/** Confidence level of the view, in percent, e.g. 95 or 99.5. */
export function levelPercent(alpha: number): string {
  const p = (1 - alpha) * 100;
  return Number.isInteger(Math.round(p * 10) / 10) ? String(Math.round(p)) : (Math.round(p * 10) / 10).toString();
}

export const ROLE_ORDER: { role: Role; title: string }[] = [
  { role: "primary", title: "Primary metrics" },
  { role: "secondary", title: "Secondary metrics" },
  { role: "guardrail", title: "Guardrail metrics" },
];

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
