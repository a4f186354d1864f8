// Display formatting shared by the pages, exports and the CLI. null/undefined/non-finite → "—",
// so nothing on screen can ever read NaN or undefined.

const DASH = "—";

function finite(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

export function formatNumber(x: number | null | undefined, digits = 3): string {
  if (!finite(x)) return DASH;
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e9)) return x.toExponential(2);
  return x.toLocaleString("en-US", { maximumFractionDigits: abs >= 100 ? 1 : digits, minimumFractionDigits: 0 });
}

export function formatInteger(x: number | null | undefined): string {
  return finite(x) ? Math.round(x).toLocaleString("en-US") : DASH;
}

export function formatPercent(x: number | null | undefined, digits = 1, signed = false): string {
  if (!finite(x)) return DASH;
  const s = (x * 100).toFixed(digits) + "%";
  return signed && x > 0 ? "+" + s : s;
}

export function formatPValue(p: number | null | undefined): string {
  if (!finite(p)) return DASH;
  if (p < 0.0001) return "<0.0001";
  return p.toFixed(4);
}

export function formatSigned(x: number | null | undefined, digits = 3): string {
  if (!finite(x)) return DASH;
  return (x > 0 ? "+" : "") + formatNumber(x, digits);
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

/** A metric's value for display: proportions as percentages, amounts of money to the cent. */
export function formatMean(x: number | null | undefined, statistic: "mean" | "proportion" | "ratio" | "quantile", unit?: string): string {
  if (statistic === "proportion") return formatPercent(x, 2);
  return formatNumber(x, unit === "currency" ? 2 : 3);
}

/** "+3.2% [1.1%, 5.3%]" */
export function formatLift(estimate: number | null | undefined, low: number | null | undefined, high: number | null | undefined, relative: boolean): string {
  const f = (x: number | null | undefined) => (relative ? formatPercent(x, 1, true) : formatSigned(x));
  return `${f(estimate)} [${f(low)}, ${f(high)}]`;
}

/** "p = 0.0123" or "p < 0.0001" */
export function formatPLabel(p: number | null | undefined): string {
  const s = formatPValue(p);
  return s.startsWith("<") ? `p ${s.replace("<", "< ")}` : `p = ${s}`;
}
