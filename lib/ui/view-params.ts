import { z } from "zod";
import { ALPHA_RANGE } from "@/lib/stats/bounds"; // not the index: this module reaches the browser
import { DEFAULT_VIEW, type ViewOptions } from "@/lib/analysis/stats-request";

const flag = z.enum(["0", "1"]).transform((v) => v === "1");

/** alpha in the URL: the stats engine's one sane range (lib/stats/bounds.ts). */
const alphaParam = z.coerce.number().min(ALPHA_RANGE.min).max(ALPHA_RANGE.max);

// The dashboard view lives in the URL, so a shared link reproduces it; bad values fall back to defaults.
const viewSchema = z.object({
  alpha: alphaParam.catch(DEFAULT_VIEW.alpha),
  correction: z.enum(["none", "holm", "bh"]).catch(DEFAULT_VIEW.correction),
  sequential: flag.catch(DEFAULT_VIEW.sequential),
  cuped: flag.catch(DEFAULT_VIEW.cuped),
  mode: z.enum(["frequentist", "bayesian"]).catch("frequentist"),
});

type Params = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function viewFromParams(params: Params): ViewOptions {
  return viewSchema.parse({
    alpha: first(params.alpha) ?? DEFAULT_VIEW.alpha,
    correction: first(params.correction) ?? DEFAULT_VIEW.correction,
    sequential: first(params.sequential) ?? (DEFAULT_VIEW.sequential ? "1" : "0"),
    cuped: first(params.cuped) ?? (DEFAULT_VIEW.cuped ? "1" : "0"),
    mode: first(params.mode) ?? "frequentist",
  });
}

/**
 * Why a view parameter of the URL was not used as given, for the page and the JSON API to show
 * (a silently replaced alpha would make the intervals' level a surprise).
 */
export function viewNotes(params: Params): string[] {
  const alpha = first(params[PARAM_KEYS.alpha]);
  if (alpha === undefined || alphaParam.safeParse(alpha).success) return [];
  const shown = alpha.length > 40 ? `${alpha.slice(0, 40)}…` : alpha;
  return [
    `alpha "${shown}" is not a number in [${ALPHA_RANGE.min}, ${ALPHA_RANGE.max}]; showing the default alpha = ${DEFAULT_VIEW.alpha} (${Math.round((1 - DEFAULT_VIEW.alpha) * 100)}% intervals)`,
  ];
}

/**
 * How the numbers of a view are shown: nothing here changes a statistic, so it is kept apart from
 * ViewOptions (the stats part). Also in the URL, with the same fall-back-to-default rule.
 */
export interface DisplayOptions {
  /** which lift leads the tables and the forest plot */
  display: "relative" | "absolute";
  /** frequentist: p-values and confidence intervals; bayesian: chance to win and risk */
  mode: "frequentist" | "bayesian";
  /** metric keys to show; null = all */
  metrics: string[] | null;
  /** treatment variant keys to show; null = all */
  variants: string[] | null;
  /** only rows whose verdict is a win or a loss */
  significantOnly: boolean;
  /** segment (slice) id: "all" or e.g. "platform:ios" */
  segment: string;
  /** time series x axis */
  timeseries: "exposure" | "calendar";
  /** metric key shown in the time series; null = the first shown metric */
  tsMetric: string | null;
}

export const DEFAULT_DISPLAY: DisplayOptions = {
  display: "relative",
  mode: "frequentist",
  metrics: null,
  variants: null,
  significantOnly: false,
  segment: "all",
  timeseries: "exposure",
  tsMetric: null,
};

/** The URL keys of every view and display option (for building links). */
export const PARAM_KEYS = {
  alpha: "alpha",
  correction: "correction",
  sequential: "sequential",
  cuped: "cuped",
  display: "display",
  mode: "mode",
  metrics: "metrics",
  variants: "variants",
  significantOnly: "sig",
  segment: "segment",
  timeseries: "ts",
  tsMetric: "tsMetric",
} as const;

const KEY_LIST = /^[A-Za-z0-9_.:-]{1,80}$/;

/** "a,b" or ["a", "b"] (repeated keys) → ["a", "b"]; empty or invalid → null (= all). */
function list(v: string | string[] | undefined): string[] | null {
  if (v === undefined) return null;
  const items = (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter((s) => KEY_LIST.test(s));
  return items.length > 0 ? [...new Set(items)] : null;
}

const displaySchema = z.object({
  display: z.enum(["relative", "absolute"]).catch(DEFAULT_DISPLAY.display),
  mode: z.enum(["frequentist", "bayesian"]).catch(DEFAULT_DISPLAY.mode),
  significantOnly: flag.catch(DEFAULT_DISPLAY.significantOnly),
  segment: z
    .string()
    .regex(/^[^\s]{1,120}$/)
    .catch(DEFAULT_DISPLAY.segment),
  timeseries: z.enum(["exposure", "calendar"]).catch(DEFAULT_DISPLAY.timeseries),
  tsMetric: z.string().regex(KEY_LIST).nullable().catch(DEFAULT_DISPLAY.tsMetric),
});

export function displayFromParams(params: Params): DisplayOptions {
  const parsed = displaySchema.parse({
    display: first(params[PARAM_KEYS.display]) ?? DEFAULT_DISPLAY.display,
    mode: first(params[PARAM_KEYS.mode]) ?? DEFAULT_DISPLAY.mode,
    significantOnly: first(params[PARAM_KEYS.significantOnly]) ?? "0",
    segment: first(params[PARAM_KEYS.segment]) ?? DEFAULT_DISPLAY.segment,
    timeseries: first(params[PARAM_KEYS.timeseries]) ?? DEFAULT_DISPLAY.timeseries,
    tsMetric: first(params[PARAM_KEYS.tsMetric]) ?? null,
  });
  return {
    ...parsed,
    metrics: list(params[PARAM_KEYS.metrics]),
    variants: list(params[PARAM_KEYS.variants]),
  };
}

/** URLSearchParams → the Params shape the parsers take (repeated keys become arrays). */
export function paramsFromSearch(search: URLSearchParams): Params {
  const out: Params = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/**
 * The search params of a view, defaults left out so links stay short; parsing the result gives the
 * same view and display back.
 */
export function searchFromView(view: ViewOptions, display: DisplayOptions): URLSearchParams {
  const s = new URLSearchParams();
  if (view.alpha !== DEFAULT_VIEW.alpha) s.set(PARAM_KEYS.alpha, String(view.alpha));
  if (view.correction !== DEFAULT_VIEW.correction) s.set(PARAM_KEYS.correction, view.correction);
  if (view.sequential !== DEFAULT_VIEW.sequential) s.set(PARAM_KEYS.sequential, view.sequential ? "1" : "0");
  if (view.cuped !== DEFAULT_VIEW.cuped) s.set(PARAM_KEYS.cuped, view.cuped ? "1" : "0");
  if (display.display !== DEFAULT_DISPLAY.display) s.set(PARAM_KEYS.display, display.display);
  if (display.mode !== DEFAULT_DISPLAY.mode) s.set(PARAM_KEYS.mode, display.mode);
  if (display.metrics) s.set(PARAM_KEYS.metrics, display.metrics.join(","));
  if (display.variants) s.set(PARAM_KEYS.variants, display.variants.join(","));
  if (display.significantOnly) s.set(PARAM_KEYS.significantOnly, "1");
  if (display.segment !== DEFAULT_DISPLAY.segment) s.set(PARAM_KEYS.segment, display.segment);
  if (display.timeseries !== DEFAULT_DISPLAY.timeseries) s.set(PARAM_KEYS.timeseries, display.timeseries);
  if (display.tsMetric) s.set(PARAM_KEYS.tsMetric, display.tsMetric);
  return s;
}

/** Both parsers at once, from a URLSearchParams (client side). */
export function stateFromSearch(search: URLSearchParams): { view: ViewOptions; display: DisplayOptions } {
  const params = paramsFromSearch(search);
  return { view: viewFromParams(params), display: displayFromParams(params) };
}
