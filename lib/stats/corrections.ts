// Multiple-comparison adjustments across all metric × treatment comparisons, as R's p.adjust,
// and the matching confidence level for adjusted intervals.
import type { Correction } from './types';

function orderBy(p: readonly number[], descending: boolean): number[] {
  const idx = p.map((_, i) => i);
  return idx.sort((a, b) => (descending ? (p[b] as number) - (p[a] as number) : (p[a] as number) - (p[b] as number)));
}

/** Holm (1979): p_(i) ↦ max_{j≤i} min(1, (m − j + 1)·p_(j)); R: pmin(1, cummax((n − i + 1) * p[o])). */
export function holm(p: readonly number[]): number[] {
  const m = p.length;
  const out = new Array<number>(m);
  let running = 0;
  orderBy(p, false).forEach((idx, i) => {
    running = Math.max(running, (m - i) * (p[idx] as number));
    out[idx] = Math.min(1, running);
  });
  return out;
}

/** Benjamini–Hochberg (1995); R: pmin(1, cummin(n / i * p[o])) over p in decreasing order. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  const out = new Array<number>(m);
  let running = Infinity;
  orderBy(p, true).forEach((idx, k) => {
    running = Math.min(running, (m / (m - k)) * (p[idx] as number));
    out[idx] = Math.min(1, running);
  });
  return out;
}

/** Adjusted p-values; one sort, O(m log m). */
export function adjustPValues(p: readonly number[], method: Correction): number[] {
  if (method === 'holm') return holm(p);
  if (method === 'bh') return benjaminiHochberg(p);
  return p.slice();
}

/**
 * Significance level for an interval consistent with the adjusted p-value: α·p/p_adj.
 * Its interval excludes 0 exactly when p < α·p/p_adj, i.e. when p_adj < α (for Bonferroni this is
 * α/m; for Holm/BH it is the step-down/step-up threshold at this comparison's rank). When p or
 * p_adj is 0 the ratio is undefined and the unadjusted α is used.
 */
export function adjustedAlpha(alpha: number, p: number, adjustedP: number): number {
  if (!(p > 0) || !(adjustedP > 0)) return alpha;
  return alpha * Math.min(1, p / adjustedP);
}
