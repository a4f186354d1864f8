// Always-valid inference: the asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha,
// Kennedy & Ramdas (2023), "Time-uniform central limit theory and asymptotic confidence sequences",
// Theorem 2.2 (normal-mixture boundary). Peeking after every user keeps the error rate at most α.

export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/**
 * Mixing parameter ρ that makes the boundary tightest at the planned sample size N*:
 * ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*  (Waudby-Smith et al. 2023, Sec. 2; GrowthBook's tuning rule).
 */
export function sequentialRho(alpha: number, plannedN: number): number {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / plannedN);
}

/**
 * Half-width in units of the standard error after n observations:
 * σ̂·√((2(nρ² + 1)/(n²ρ²))·ln(√(nρ² + 1)/α)) with σ̂ = se·√n (Waudby-Smith et al. 2023, Thm 2.2).
 */
export function sequentialMultiplier(alpha: number, n: number, rho: number): number {
  const v = n * rho * rho;
  return Math.sqrt(((2 * (v + 1)) / v) * Math.log(Math.sqrt(v + 1) / alpha));
}

/**
 * Always-valid p-value: the smallest α whose sequence excludes 0, i.e. the α solving
 * sequentialMultiplier(α) = |z|: p = min(1, √(nρ²+1)·exp(−z²nρ²/(2(nρ²+1)))).
 */
export function sequentialPValue(z: number, n: number, rho: number): number {
  const v = n * rho * rho;
  return Math.min(1, Math.sqrt(v + 1) * Math.exp((-z * z * v) / (2 * (v + 1))));
}
