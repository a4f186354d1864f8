// Sample-ratio mismatch: Pearson χ² goodness of fit of exposed users against the planned weights
// (R: chisq.test(users, p = weights / sum(weights))).
import { pchisqUpper } from './distributions';
import type { SrmResult, VariantInput } from './types';

export const SRM_THRESHOLD = 0.001;

/** χ² = Σ (O − E)²/E with E_i = N·w_i/Σw, k − 1 degrees of freedom; mismatch when p < 0.001. */
export function srmCheck(variants: readonly VariantInput[]): { result: SrmResult; warning?: string } {
  const none: SrmResult = { chiSquare: null, pValue: null, mismatch: null };
  if (variants.length < 2) return { result: none, warning: 'srm: fewer than 2 variants' };
  const total = variants.reduce((s, v) => s + v.users, 0);
  const weights = variants.reduce((s, v) => s + v.weight, 0);
  if (!(total > 0)) return { result: none, warning: 'srm: no exposed users' };
  if (!(weights > 0) || variants.some((v) => !(v.weight > 0))) return { result: none, warning: 'srm: weights must be positive' };
  let chiSquare = 0;
  for (const v of variants) {
    const expected = (total * v.weight) / weights;
    chiSquare += (v.users - expected) ** 2 / expected;
  }
  const pValue = pchisqUpper(chiSquare, variants.length - 1);
  return { result: { chiSquare, pValue, mismatch: pValue < SRM_THRESHOLD } };
}
