// Probability distributions for the stats engine: jstat, plus thin wrappers only where jstat 1.9.6 misses
// R (4.2) by more than the engine's 1e-6 relative tolerance. Each wrapper says which jstat weakness it works around.
import jStat from 'jstat';

/**
 * Above this many degrees of freedom jStat.ibeta drifts to 5e-7 of R (its log-gamma prefactor cancels), while the
 * A&S 26.7.8 normal approximation of the t tail is within 3e-7 of R's exact pt even at t = 36 (its error falls as 1/df²).
 */
const HUGE_DF = 2e7;

/**
 * Q(a, x) = Γ(a, x)/Γ(a). jStat only has P(a, x), and 1 − P rounds to 0 below ~1e-16 (SRM p-values reach 1e-74), so the
 * tail uses the Lentz continued fraction of Numerical Recipes 3rd ed. §6.2 (gcf) where it converges, x ≥ a + 1.
 */
function upperGamma(a: number, x: number): number {
  if (!(x >= a + 1)) return 1 - jStat.lowRegGamma(a, x);
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = 1 / (an * d + b);
    c = b + an / c;
    h *= d * c;
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return Math.exp(a * Math.log(x) - x - jStat.gammaln(a)) * h;
}

/** Φ(x). jStat.normal.cdf is ½(1 + erf(x/√2)) with erf ≈ −1 in the lower tail (0 at x = −8.5, R: 9.5e-18), so that tail is ½Q(½, x²/2). */
export function pnorm(x: number): number {
  return x < -3 ? upperGamma(0.5, (x * x) / 2) / 2 : jStat.normal.cdf(x, 0, 1);
}

/**
 * Standard normal quantile (with `upper`, z such that P(Z > z) = p). jStat.normal.inv inverts jStat's erfc, which rounds
 * off in the tail (8e-3 relative error at p = 1e-30); two Newton steps on log Φ with the tail-accurate pnorm polish it.
 */
export function qnorm(p: number, upper = false): number {
  if (upper) return -qnorm(p);
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  let z = jStat.normal.inv(p, 0, 1);
  for (let i = 0; i < 2; i++) {
    const cdf = pnorm(z);
    z += ((Math.log(p) - Math.log(cdf)) * cdf) / jStat.normal.pdf(z, 0, 1);
  }
  return z;
}

/**
 * P(|T| > |t|) for T ~ t(df). jStat.studentt.cdf (an ibeta with a = b = df/2) is wrong for large df (0.498 for R's 0.460
 * at df = 1e7, t = 0.1) and 1 − cdf rounds to 0 near t = 10. Instead P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½) (A&S 26.7.1, as R's
 * pt.c), taken as 1 − I_{t²/(ν+t²)}(½, ν/2) below |t| = 1 so jStat.ibeta gets the small argument exactly; above HUGE_DF the
 * A&S 26.7.8 normal approximation.
 */
export function ptTwoSided(t: number, df: number): number {
  const t2 = t * t;
  if (df > HUGE_DF) {
    const s = 1 / (4 * df);
    return 2 * pnorm((-Math.abs(t) * (1 - s)) / Math.hypot(1, t * Math.sqrt(2 * s)));
  }
  return t2 < 1 ? 1 - jStat.ibeta(t2 / (df + t2), 0.5, df / 2) : jStat.ibeta(df / (df + t2), df / 2, 0.5);
}

/** P(T > t) for T ~ t(df). */
export function ptUpper(t: number, df: number): number {
  const tails = ptTwoSided(t, df);
  return t >= 0 ? tails / 2 : 1 - tails / 2;
}

/**
 * t with P(T > t) = p. jStat.studentt.inv rounds 1 − p and, above df ≈ 1e7, loses 1 − x inside ibetainv (errors up to 0.3 by
 * df = 1e9); start from it (from the normal quantile above HUGE_DF) and take two Newton steps on the accurate ptUpper.
 */
export function qtUpper(p: number, df: number): number {
  if (df === Infinity) return qnorm(p, true);
  let t = df > HUGE_DF ? qnorm(p, true) : jStat.studentt.inv(1 - p, df);
  for (let i = 0; i < 2; i++) t += (ptUpper(t, df) - p) / jStat.studentt.pdf(t, df);
  return t;
}

/** P(X > x) for X ~ χ²(df). */
export function pchisqUpper(x: number, df: number): number {
  return upperGamma(df / 2, x / 2);
}

/** P(T ≤ t) for T ~ t(df, ncp), as R's pt(t, df, ncp). */
export function pnt(t: number, df: number, ncp: number): number {
  if (df > 4e5 || ncp * ncp > 2 * Math.LN2 * 1021) {
    // where R's pnt.c itself switches to the A&S 26.7.10 normal approximation
    const s = 1 / (4 * df);
    return pnorm((t * (1 - s) - ncp) / Math.sqrt(1 + t * t * 2 * s));
  }
  if (t < 0 || ncp < 20) return jStat.noncentralt.cdf(t, df, ncp);
  // jStat.noncentralt.cdf stops its Poisson series after ~200 terms, so from ncp ≈ 25 it returns 0 (R: 0.25 at df = 2,
  // t = 31.6, ncp = 37); sum the same series (Guenther 1978) over the whole Poisson window instead.
  const y = (t * t) / (t * t + df);
  const lambda = (ncp * ncp) / 2;
  let cdf = jStat.normal.cdf(-ncp, 0, 1);
  for (let j = 0; j <= lambda + 12 * Math.sqrt(lambda); j++) {
    const logWeight = j * Math.log(lambda) - lambda;
    const even = Math.exp(logWeight - jStat.gammaln(j + 1)) * jStat.ibeta(y, j + 0.5, df / 2);
    const odd = ncp * Math.SQRT1_2 * Math.exp(logWeight - jStat.gammaln(j + 1.5)) * jStat.ibeta(y, j + 1, df / 2);
    cdf += (even + odd) / 2;
  }
  return cdf;
}
