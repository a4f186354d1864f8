// Types for the parts of jstat 1.9.6 that lib/stats uses (the package ships none).
declare module 'jstat' {
  interface JStat {
    /** log Γ(x), Lanczos approximation. */
    gammaln(x: number): number;
    /** Regularized lower incomplete gamma P(a, x). */
    lowRegGamma(a: number, x: number): number;
    /** Regularized incomplete beta I_x(a, b). */
    ibeta(x: number, a: number, b: number): number;
    normal: {
      pdf(x: number, mean: number, sd: number): number;
      cdf(x: number, mean: number, sd: number): number;
      inv(p: number, mean: number, sd: number): number;
    };
    studentt: {
      pdf(x: number, df: number): number;
      inv(p: number, df: number): number;
    };
    noncentralt: {
      cdf(x: number, df: number, ncp: number): number;
    };
  }
  const jStat: JStat;
  export default jStat;
}
