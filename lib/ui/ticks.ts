// Round axis ticks ("nice numbers") so charts read -5%, 0%, +5% rather than -4.4%, +10.6%.

export interface NiceAxis {
  domain: [number, number];
  ticks: number[];
  /** decimals that show every tick exactly when printed as a percentage */
  percentDigits: number;
}

function stepFor(range: number, count: number): number {
  const raw = range / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
}

function decimals(x: number): number {
  for (let d = 0; d < 6; d++) {
    const scaled = x * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, Math.abs(scaled))) return d;
  }
  return 6;
}

/** Ticks covering [lo, hi] with about `count` intervals; the domain is widened to whole steps. */
export function niceAxis(lo: number, hi: number, count = 6): NiceAxis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { domain: [-1, 1], ticks: [-1, 0, 1], percentDigits: 0 };
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 0.01;
    lo -= pad;
    hi += pad;
  }
  const step = stepFor(hi - lo, count);
  const start = Math.floor(lo / step + 1e-9) * step;
  const end = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; start + i * step <= end + step / 2; i++) {
    const v = start + i * step;
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return { domain: [ticks[0] ?? start, ticks[ticks.length - 1] ?? end], ticks, percentDigits: decimals(step * 100) };
}
