// Benchmark of the stats engine: one analyze() call with 20,000 metric × variant comparisons
// (5,000 metrics × 4 treatments; means, proportions, ratios and CUPED; Holm; an extra 68% interval).
// Exported for `npm run bench`; running this file directly prints the measurement as JSON.
import { analyze } from '../lib/stats';
import type { MetricInput, StatsRequest, VariantData } from '../lib/stats';

const METRICS = 5_000;
const VARIANTS = ['control', 't1', 't2', 't3', 't4'];

/** mulberry32, so the request is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function entry(kind: MetricInput['type'], n: number, u: () => number, cuped: boolean): VariantData {
  const mean = 5 + u();
  const variance = 4 + u();
  if (kind === 'proportion') return { n, sum: Math.round(n * (0.1 + 0.01 * u())) };
  const base: VariantData = { n, sum: n * mean, sumSquares: n * (mean * mean + variance) };
  if (kind === 'ratio') {
    const d = 2 + u();
    return { ...base, denominatorSum: n * d, denominatorSumSquares: n * (d * d + 1), sumProduct: n * (mean * d + 0.5) };
  }
  if (cuped) base.covariate = { sum: n * mean, sumSquares: n * (mean * mean + variance), sumProduct: n * (mean * mean + 0.6 * variance) };
  return base;
}

export function benchRequest(): StatsRequest {
  const u = prng(42);
  const kinds: MetricInput['type'][] = ['mean', 'proportion', 'ratio', 'mean'];
  const metrics: MetricInput[] = Array.from({ length: METRICS }, (_, i) => {
    const type = kinds[i % kinds.length] as MetricInput['type'];
    const cuped = i % 4 === 3;
    const n = 1_000 + Math.floor(u() * 200_000);
    return { key: `metric_${i}`, type, data: Object.fromEntries(VARIANTS.map((id) => [id, entry(type, n + Math.floor(u() * 100), u, cuped)])) };
  });
  return {
    correction: 'holm',
    extraIntervals: [0.68],
    variants: VARIANTS.map((id) => ({ id, weight: 1, users: 100_000 })),
    metrics,
  };
}

export function benchStats(): { name: string; ms: number; comparisons: number } {
  const request = benchRequest();
  const comparisons = METRICS * (VARIANTS.length - 1);
  const start = performance.now();
  const answer = analyze(request);
  const ms = performance.now() - start;
  if (answer.metrics.length !== METRICS) throw new Error('bench: unexpected answer');
  return { name: 'stats.analyze', ms: Math.round(ms * 10) / 10, comparisons };
}

if (process.argv[1]?.endsWith('bench-stats.ts')) console.log(JSON.stringify(benchStats()));
