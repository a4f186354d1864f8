// The sane ranges of the engine's inputs, in one place: the stats CLI refuses what lies outside
// (exit 2 naming the field), the engine and the dashboard's URL fall back to the default with a note.

export const DEFAULT_ALPHA = 0.05;

/**
 * Significance levels outside [0.001, 0.5] are refused: below, intervals are "100%" wide in
 * practice and the quantile functions leave double precision (alpha = 1e-17 gave NaN); above,
 * an interval covers less than half the time, which no decision should rest on.
 */
export const ALPHA_RANGE = { min: 0.001, max: 0.5 } as const;

export function isSaneAlpha(alpha: unknown): alpha is number {
  return typeof alpha === 'number' && alpha >= ALPHA_RANGE.min && alpha <= ALPHA_RANGE.max;
}

/** An extra interval's confidence level is 1 − alpha for an alpha in ALPHA_RANGE. */
export const LEVEL_RANGE = { min: 1 - ALPHA_RANGE.max, max: 1 - ALPHA_RANGE.min } as const;

export function isSaneLevel(level: unknown): level is number {
  return typeof level === 'number' && isSaneAlpha(1 - level);
}

/**
 * Size bounds of one stats CLI request. The app (at most 10 variants × 40 metrics) stays far below,
 * the benchmark's request (5,000 metrics × 4 treatments, one extra level) just fits; at the bounds
 * the answer is ~25 MB of JSON (15,000 extra levels once built a string JavaScript cannot hold).
 */
export const REQUEST_LIMITS = {
  /** bytes of JSON on stdin */
  bytes: 8 * 1024 * 1024,
  variants: 50,
  metrics: 5000,
  /** metrics × treatment variants */
  comparisons: 20_000,
  /** levels in extraIntervals */
  extraIntervals: 10,
  /** comparisons × extra levels: every one is an interval pair in the answer */
  extraIntervalsInAll: 20_000,
} as const;
