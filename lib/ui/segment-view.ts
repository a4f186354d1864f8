// Segments side by side: the rows of one dimension's table for one metric, every value × treatment,
// with the verdict of the view's mode. Pure (type imports only): the page's client-side picker
// and the server-rendered report build the same rows.
import type { ResultsDocument } from "@/lib/analysis/results-document";
import type { SegmentTable } from "@/lib/analysis/segment-results";
import { modeOf, verdictOf, type LiftInterval, type Verdict } from "./results-view";
import { fiellerRelative, treatmentShare } from "./relative-interval";

export interface SegmentRow {
  metricKey: string;
  sliceId: string;
  value: string;
  variantKey: string;
  variantName: string;
  /** users of the variant and of the control in this slice */
  variantUsers: number;
  controlUsers: number;
  relative: LiftInterval;
  absolute: LiftInterval;
  pValue: number | null;
  adjustedPValue: number | null;
  chanceToWin: number | null;
  verdict: Verdict;
}

const finite = (x: number | null | undefined): x is number => typeof x === "number" && Number.isFinite(x);
const clean = (i: LiftInterval | undefined): LiftInterval => ({
  estimate: finite(i?.estimate) ? i.estimate : null,
  ciLow: finite(i?.ciLow) ? i.ciLow : null,
  ciHigh: finite(i?.ciHigh) ? i.ciHigh : null,
});

export const CORRECTION_NAMES: Record<string, string> = { none: "none", holm: "Holm", bh: "Benjamini–Hochberg" };

/** What segment rows need of a results document (kept small: it is sent to the browser). */
export interface SegmentContext {
  experiment: { controlVariant: string; variants: { key: string; name: string }[] };
  metrics: Pick<ResultsDocument["metrics"][number], "key" | "name" | "role" | "statistic" | "unit" | "currency" | "higherIsBetter">[];
  view: ResultsDocument["view"];
}

export function segmentContext(doc: ResultsDocument): SegmentContext {
  return {
    experiment: { controlVariant: doc.experiment.controlVariant, variants: doc.experiment.variants.map((v) => ({ key: v.key, name: v.name })) },
    metrics: doc.metrics.map((m) => ({ key: m.key, name: m.name, role: m.role, statistic: m.statistic, unit: m.unit, currency: m.currency, higherIsBetter: m.higherIsBetter })),
    view: doc.view,
  };
}

export function segmentRows(doc: SegmentContext, table: SegmentTable): SegmentRow[] {
  const control = doc.experiment.controlVariant;
  const meta = doc.metrics.find((m) => m.key === table.metricKey);
  const up = meta?.higherIsBetter ?? true;
  const names = new Map(doc.experiment.variants.map((v) => [v.key, v.name]));
  const mode = modeOf(doc.view);
  return table.values.flatMap((value) => {
    const c = value.variants.find((v) => v.id === control);
    return value.variants
      .filter((v) => v.id !== control)
      .map((v) => {
        const ctw = finite(v.chanceToWin) ? (up ? v.chanceToWin : 1 - v.chanceToWin) : null;
        const absolute = clean(v.absolute);
        // as in the results tables: frequentist relative intervals agree with the test (Fieller)
        const share = treatmentShare(finite(v.stdDev) ? v.stdDev : null, v.n, finite(c?.stdDev) ? c.stdDev : null, c ? c.n : null);
        const relative = (mode === "frequentist" ? fiellerRelative(absolute, finite(c?.mean) ? c.mean : null, share) : null) ?? clean(v.relative);
        return {
          metricKey: table.metricKey,
          sliceId: value.sliceId,
          value: value.value,
          variantKey: v.id,
          variantName: names.get(v.id) ?? v.id,
          variantUsers: value.users[v.id] ?? 0,
          controlUsers: value.users[control] ?? 0,
          relative,
          absolute,
          pValue: finite(v.pValue) ? v.pValue : null,
          adjustedPValue: finite(v.adjustedPValue) ? v.adjustedPValue : null,
          chanceToWin: ctw,
          verdict: verdictOf({ absolute, chanceToWin: ctw, higherIsBetter: up }, mode, doc.view.alpha),
        };
      });
  });
}
