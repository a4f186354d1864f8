// Means, variances and covariances from sufficient statistics (n, Σa, Σb, Σab).
//
// The textbook (Σy² − (Σy)²/n)/(n−1) cancels catastrophically when the mean is large relative to
// the spread (sums near 1e12). We form n·Σab − Σa·Σb with error-free products (Dekker 1971), so the
// subtraction is exact for representable inputs and the only error left is in the inputs themselves.

// Veltkamp split: a = hi + lo with hi holding the top 26 bits (Dekker 1971).
function split(a: number): [number, number] {
  const c = 134217729 * a; // 2^27 + 1
  const hi = c - (c - a);
  return [hi, a - hi];
}

// a·b = p + e exactly (Dekker's TwoProduct).
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  return [p, e];
}

/** n·Σab − Σa·Σb = n·Σ(a−ā)(b−b̄), computed without cancellation error (±Infinity or NaN on overflow). */
export function scaledCoMoment(n: number, sumA: number, sumB: number, sumAB: number): number {
  const [p1, e1] = twoProduct(n, sumAB);
  const [p2, e2] = twoProduct(sumA, sumB);
  const exact = p1 - p2 + (e1 - e2);
  // the split overflows beyond ~1e300; fall back to the plain form there
  return Number.isFinite(exact) ? exact : n * sumAB - sumA * sumB;
}

// Above this, n·Σab or Σa·Σb could overflow although the covariance itself is an ordinary number.
const LARGE = 2 ** 450;

/**
 * Σ(a−ā)(b−b̄)/n, the population covariance. Sums too large for n·Σab are scaled by a power of two
 * first (exact, so nothing is lost): Σa = Σb ≈ 1e154, Σab ≈ 1e308 is a valid input whose products
 * overflow, and it used to come out as an infinite (or zero) variance.
 */
export function populationCovariance(n: number, sumA: number, sumB: number, sumAB: number): number {
  const size = Math.max(Math.abs(sumA), Math.abs(sumB), Math.sqrt(Math.abs(sumAB)));
  if (!(size > LARGE)) return scaledCoMoment(n, sumA, sumB, sumAB) / (n * n);
  const k = Math.ceil(Math.log2(size)) - 400; // the scaled sums are ~2^400, their products ~2^853 at most
  const s = 2 ** -k;
  const scaled = scaledCoMoment(n, sumA * s, sumB * s, sumAB * s * s) / (n * n);
  return scaled * 2 ** k * 2 ** k; // in two steps: 2^(2k) itself may not be representable
}

/** Sample covariance with n−1: Σ(a−ā)(b−b̄)/(n−1). */
export function sampleCovariance(n: number, sumA: number, sumB: number, sumAB: number): number {
  return populationCovariance(n, sumA, sumB, sumAB) * (n / (n - 1));
}

/**
 * Sample variance with n−1, clamped at 0 (rounding of the inputs can push it slightly negative;
 * sums that no data can give are caught by ./consistency before this is used).
 */
export function sampleVariance(n: number, sum: number, sumSquares: number): number {
  return Math.max(0, sampleCovariance(n, sum, sum, sumSquares));
}

/** Bernoulli variance p(1−p) of a 0/1 metric (the doc's proportion definition, no n−1). */
export function proportionVariance(n: number, conversions: number): number {
  const p = conversions / n;
  return Math.max(0, p * (1 - p));
}
