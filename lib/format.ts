// Display formatting shared by the pages, exports, the report and the CLI: numbers people read.
// null/undefined/non-finite → "—", so nothing on screen can ever read NaN or undefined; no
// scientific notation anywhere (significant digits instead); proportions' absolute lifts in
// percentage points; money with its currency; interval bounds with the estimate's decimals.

const DASH = "—";

function finite(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** x with exactly `decimals` fraction digits and thousands separators; never "-0". */
function fixed(x: number, decimals: number): string {
  const s = x.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

/** x to `decimals` places, or more (up to 3 more) when that would round a non-zero bound to 0. */
function fixedKeepingSign(x: number, decimals: number): string {
  let d = decimals;
  let s = fixed(x, d);
  while (x !== 0 && !/[1-9]/.test(s) && d < decimals + 3) s = fixed(x, ++d);
  return s;
}

/** "+1.2", "-1.2", "0": a sign on what is not zero once rounded. */
function signed(text: string): string {
  if (text.startsWith("-")) return text;
  return /[1-9]/.test(text) ? `+${text}` : text;
}

/**
 * Decimals that show `scale` (an interval's half-width, or the value itself) with about `sig`
 * significant digits, within [min, max].
 */
export function decimalsFor(scale: number | null | undefined, sig: number, min = 0, max = 8): number {
  if (!finite(scale) || scale === 0) return min;
  const d = sig - 1 - Math.floor(Math.log10(Math.abs(scale)));
  return Math.min(max, Math.max(min, d));
}

/** `sig` significant digits (whole numbers beyond that are rounded to units), never exponents. */
export function formatNumber(x: number | null | undefined, sig = 3): string {
  if (!finite(x)) return DASH;
  if (Math.abs(x) >= 10 ** sig) return fixed(x, 0);
  const s = x.toLocaleString("en-US", { maximumSignificantDigits: sig, useGrouping: true });
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

export function formatInteger(x: number | null | undefined): string {
  return finite(x) ? fixed(Math.round(x), 0) : DASH;
}

/** A share as a percentage: `digits` decimals, or (undefined) three significant digits. */
export function formatPercent(x: number | null | undefined, digits?: number, withSign = false): string {
  if (!finite(x)) return DASH;
  const d = digits ?? decimalsFor(x * 100, 3, 0, 6);
  const s = `${fixed(x * 100, d)}%`;
  return withSign ? signed(s) : s;
}

/** A share as a short percentage: at most `decimals` decimals, no trailing zeros (5%, 2.5%, 13.2%). */
export function formatPercentShort(x: number | null | undefined, decimals = 1): string {
  if (!finite(x)) return DASH;
  const s = (x * 100).toLocaleString("en-US", { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
  return `${s === "-0" ? "0" : s}%`;
}

export function formatPValue(p: number | null | undefined): string {
  if (!finite(p)) return DASH;
  if (p < 0.0001) return "<0.0001";
  return p.toFixed(4);
}

/** "p = 0.0123" or "p < 0.0001" */
export function formatPLabel(p: number | null | undefined): string {
  const s = formatPValue(p);
  return s.startsWith("<") ? `p ${s.replace("<", "< ")}` : `p = ${s}`;
}

export function formatSigned(x: number | null | undefined, sig = 3): string {
  return finite(x) ? signed(formatNumber(x, sig)) : DASH;
}

export function formatBytes(bytes: number | null | undefined, digits = 1): string {
  if (!finite(bytes)) return DASH;
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : digits)} ${units[i]}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (!finite(ms)) return DASH;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// ---- a metric's values and lifts ----

export type Statistic = "mean" | "proportion" | "ratio" | "quantile";

/** What a metric's numbers are: enough to print them with their unit. */
export interface ValueKind {
  statistic: Statistic;
  /** the metric's unit ("count", "currency", "days", "percent") */
  unit?: string;
  /** ISO 4217 code of a money metric, e.g. "USD" */
  currency?: string | null;
}

function isMoney(kind: ValueKind): boolean {
  return kind.unit === "currency";
}

function money(x: number, decimals: number, currency: string | null | undefined): string {
  const abs = Math.abs(x);
  let body: string;
  try {
    body = currency
      ? abs.toLocaleString("en-US", { style: "currency", currency, minimumFractionDigits: decimals, maximumFractionDigits: decimals })
      : fixed(abs, decimals);
  } catch {
    body = `${fixed(abs, decimals)} ${currency}`; // a code Intl does not know: print it after the amount
  }
  const zero = !/[1-9]/.test(body);
  return x < 0 && !zero ? `-${body}` : body;
}

/** Money decimals: cents, or none for large amounts, more for fractions of a cent. */
function moneyDecimals(scale: number | null | undefined): number {
  const d = decimalsFor(scale, 2, 0, 4);
  return d === 1 ? 2 : d;
}

/** A metric's per-variant value: rates as percentages, money with its currency, others to 3 significant digits. */
export function formatValue(x: number | null | undefined, kind: ValueKind): string {
  if (!finite(x)) return DASH;
  if (kind.statistic === "proportion") return formatPercent(x, decimalsFor(x * 100, 3, 1, 4));
  if (isMoney(kind)) return money(x, Math.max(2, moneyDecimals(x)), kind.currency);
  const n = formatNumber(x, 3);
  return kind.unit === "days" ? `${n} days` : n;
}

/** Kept for callers that pass the parts. */
export function formatMean(x: number | null | undefined, statistic: Statistic, unit?: string, currency?: string | null): string {
  return formatValue(x, { statistic, unit, currency });
}

/** An estimate with its interval, formatted alike: the parts a table shows. */
export interface LiftText {
  estimate: string;
  low: string;
  high: string;
  /** "pp", "%" or "" — what the numbers are in (money carries its symbol) */
  suffix: string;
}

function halfWidth(estimate: number | null | undefined, low: number | null | undefined, high: number | null | undefined): number | null {
  if (finite(low) && finite(high) && high > low) return (high - low) / 2;
  return finite(estimate) && estimate !== 0 ? Math.abs(estimate) : null;
}

/** Relative lift in percent: decimals from the interval's half-width (at least one). */
export function relativeLiftText(estimate: number | null | undefined, low: number | null | undefined, high: number | null | undefined): LiftText {
  const half = halfWidth(estimate, low, high);
  const d = decimalsFor(half === null ? null : half * 100, 1, 1, 6);
  const f = (x: number | null | undefined) => (finite(x) ? signed(`${fixed(x * 100, d)}%`) : DASH);
  // a bound must not read as 0 when it is not: its side of zero is what the verdict rests on
  const b = (x: number | null | undefined) => (finite(x) ? signed(`${fixedKeepingSign(x * 100, d)}%`) : DASH);
  return { estimate: f(estimate), low: b(low), high: b(high), suffix: "%" };
}

/**
 * Absolute lift in the metric's own unit: proportions in percentage points, money in its
 * currency, other values with two significant digits of the interval's half-width.
 */
export function absoluteLiftText(
  estimate: number | null | undefined,
  low: number | null | undefined,
  high: number | null | undefined,
  kind: ValueKind,
): LiftText {
  const half = halfWidth(estimate, low, high);
  if (kind.statistic === "proportion") {
    const d = decimalsFor(half === null ? null : half * 100, 1, 1, 6);
    const f = (x: number | null | undefined) => (finite(x) ? signed(fixed(x * 100, d)) : DASH);
    const b = (x: number | null | undefined) => (finite(x) ? signed(fixedKeepingSign(x * 100, d)) : DASH);
    return { estimate: finite(estimate) ? `${f(estimate)} pp` : DASH, low: b(low), high: b(high), suffix: "pp" };
  }
  if (isMoney(kind)) {
    const d = moneyDecimals(half);
    const f = (x: number | null | undefined) => (finite(x) ? signed(money(x, d, kind.currency)) : DASH);
    return { estimate: f(estimate), low: f(low), high: f(high), suffix: "" };
  }
  const d = decimalsFor(half, 2, 0, 8);
  const f = (x: number | null | undefined) => (finite(x) ? signed(fixed(x, d)) : DASH);
  const b = (x: number | null | undefined) => (finite(x) ? signed(fixedKeepingSign(x, d)) : DASH);
  return { estimate: f(estimate), low: b(low), high: b(high), suffix: kind.unit === "days" ? "days" : "" };
}

/** "+3.2% [+1.1%, +5.3%]" or "+0.9 pp [+0.5, +1.2]" */
export function liftLine(t: LiftText): string {
  return `${t.estimate} [${t.low}, ${t.high}]`;
}

/**
 * "+3.2% [+1.1%, +5.3%]" (relative) or the absolute lift in plain numbers; `kind` gives the
 * absolute lift its unit (pp, currency).
 */
export function formatLift(
  estimate: number | null | undefined,
  low: number | null | undefined,
  high: number | null | undefined,
  relative: boolean,
  kind: ValueKind = { statistic: "mean" },
): string {
  return liftLine(relative ? relativeLiftText(estimate, low, high) : absoluteLiftText(estimate, low, high, kind));
}

/** A calendar date (YYYY-MM-DD) range as one unbreakable unit: "2026-10-01 → 2026-10-28". */
export function formatDateRange(start: string, end: string | null): string {
  return `${start}\u00a0→\u00a0${end ?? "ongoing"}`;
}

const SCIENTIFIC = /(=\s*)?(-?\d+(?:\.\d+)?[eE][-+]?\d+)/g;

/** Text from elsewhere (the stats engine's notes) with numbers in exponent form written out. */
export function plainNumbers(text: string): string {
  return text.replace(SCIENTIFIC, (match, equals: string | undefined, number: string) => {
    const x = Number(number);
    if (!Number.isFinite(x)) return match;
    if (x !== 0 && Math.abs(x) < 0.0001) return x < 0 ? "> -0.0001" : "< 0.0001";
    return `${equals ?? ""}${formatNumber(x, 3)}`;
  });
}
