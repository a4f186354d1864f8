// Covariate balance between two groups of a split.
import { sampleVariance } from "@/lib/stats/moments";

export interface GroupSummary {
  n: number;
  mean: number;
  /** sample standard deviation (n − 1); 0 for fewer than 2 values */
  sd: number;
}

export function summarise(values: readonly number[]): GroupSummary {
  const n = values.length;
  let sum = 0;
  let sumSquares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    sumSquares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { n, mean: 0, sd: 0 };
  // a constant group is exactly that: summing 0.1 three times would leave rounding noise in both
  // the mean and the SD, and their ratio (the SMD) would be noise of any size
  if (min === max) return { n, mean: min, sd: 0 };
  return { n, mean: sum / n, sd: n >= 2 ? Math.sqrt(sampleVariance(n, sum, sumSquares)) : 0 };
}

/**
 * Standardised mean difference, (x̄₁ − x̄₀) / √((s₁² + s₀²) / 2) (Austin 2009, Stat Med 28:3083, eq. 1).
 * null when it is not defined: a group with fewer than 2 subjects, or no spread in either group while
 * the means differ (the split separates the covariate completely).
 */
export function standardisedMeanDifference(treatment: GroupSummary, control: GroupSummary): number | null {
  if (treatment.n < 2 || control.n < 2) return null;
  const diff = treatment.mean - control.mean;
  const pooled = Math.sqrt((treatment.sd ** 2 + control.sd ** 2) / 2);
  if (pooled === 0) return diff === 0 ? 0 : null;
  return diff / pooled;
}
