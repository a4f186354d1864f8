// The relative lift's interval that agrees with the test: Fieller's interval for the ratio of the
// means (Fieller 1954), built from the same interval of the difference that gives the p-value and
// the verdict. It excludes zero exactly when that interval does (the delta method's can disagree
// near the edge, most with sequential testing or a correction), and like the delta method it
// carries the control mean's own uncertainty, so it is asymmetric. Pure.

export interface Interval {
  estimate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

/**
 * {ρ : (μ̂_T − ρ μ̂_C)² ≤ h²(f + ρ²(1 − f))}, the lift being ρ − 1, where h is the half-width of the
 * difference's interval (its multiplier times its standard error: any level, sequential,
 * corrected) and f the treatment's share of the difference's variance. Null when the control mean
 * is not clearly positive (the set is then unbounded, or a lift relative to it is not a share).
 */
export function fiellerRelative(difference: Interval, controlMean: number | null, treatmentShare: number): Interval | null {
  const { estimate: d, ciLow, ciHigh } = difference;
  if (d === null || ciLow === null || ciHigh === null || controlMean === null || !(controlMean > 0)) return null;
  const h = (ciHigh - ciLow) / 2;
  const f = Math.min(1, Math.max(0, treatmentShare));
  const c = controlMean;
  const a = c + d;
  // (c² − h²(1 − f))ρ² − 2acρ + (a² − h²f) = 0
  const A = c * c - h * h * (1 - f);
  if (!(A > 0)) return null;
  const disc = h * h * (c * c * f + a * a * (1 - f) - h * h * f * (1 - f));
  if (!(disc >= 0)) return null;
  const root = Math.sqrt(disc);
  const lo = (a * c - root) / A;
  const hi = (a * c + root) / A;
  return { estimate: d / c, ciLow: lo - 1, ciHigh: hi - 1 };
}

/** The treatment's share of Var(μ̂_T − μ̂_C) from each arm's spread and users; equal spreads when unknown. */
export function treatmentShare(sdT: number | null, nT: number, sdC: number | null, nC: number | null): number {
  if (!(nT > 0) || !(nC !== null && nC > 0)) return 0.5;
  if (sdT === null || sdC === null || !(sdT >= 0) || !(sdC >= 0) || sdT + sdC === 0) return nC / (nT + nC);
  const vT = (sdT * sdT) / nT;
  const vC = (sdC * sdC) / nC;
  return vT / (vT + vC);
}
