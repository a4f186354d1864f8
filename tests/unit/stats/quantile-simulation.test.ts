// Quantile metrics by seeded simulation: the 95% interval of the difference of two quantiles covers
// the true difference 95 ± 1.5% of the time, for p50 and p90, of per-user values and of events
// clustered in users. The "warehouse" here is this file's own code: sorting, order statistics and
// per-user sums, as the SQL is meant to compute them; only analyze() is the code under test.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../lib/stats';
import type { QuantileSummary, StatsRequest } from '../../../lib/stats';
import { normals, prng } from './helpers';

const REPLICATIONS = 2000;
const USERS = 600; // per arm
const Z = 1.959963984540054; // qnorm(0.975): the bracket's z
const SIGMA_USER = 0.7; // log-scale spread between users (event level)
const SIGMA_EVENT = 0.7; // log-scale spread of a user's own events
const EFFECT = 0.1; // treatment shifts log values by this much

/** Φ⁻¹ at the two levels the tests use (R: qnorm(c(0.5, 0.9))). */
const Z_OF: Record<number, number> = { 0.5: 0, 0.9: 1.2815515655446004 };

/** The sample quantile at `level`: the ⌈N·level⌉-th smallest value (inverse of the empirical CDF), clamped to the sample. */
function orderStatistic(sorted: Float64Array, level: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(sorted.length * level - 1e-9)));
  return sorted[rank - 1] as number;
}

interface Sample {
  /** every value, sorted */
  values: Float64Array;
  /** per user: the values of that user's events (one per user at user level) */
  byUser: Float64Array[];
}

/** How the effective sample size is taken: users, cluster-adjusted events, or (wrongly) events as if independent. */
type Unit = 'user' | 'clustered' | 'independent events';

function summary(sample: Sample, level: number, unit: Unit): QuantileSummary {
  const { values, byUser } = sample;
  const estimate = orderStatistic(values, level);
  let effectiveN = unit === 'user' ? byUser.length : values.length;
  if (unit === 'clustered') {
    // share of events at or below the estimate, and its delta-method variance over users
    let events = 0;
    let atOrBelow = 0;
    const perUser = byUser.map((vs) => {
      let i = 0;
      for (const v of vs) if (v <= estimate) i++;
      events += vs.length;
      atOrBelow += i;
      return [i, vs.length] as const;
    });
    const share = atOrBelow / events;
    let spread = 0;
    for (const [i, m] of perUser) spread += (i - share * m) ** 2;
    const n = byUser.length;
    const variance = (n / (n - 1)) * (spread / (events * events));
    effectiveN = (level * (1 - level)) / variance;
  }
  const half = Z * Math.sqrt((level * (1 - level)) / effectiveN);
  return { level, estimate, lower: orderStatistic(values, level - half), upper: orderStatistic(values, level + half), bracketZ: Z, effectiveN };
}

interface Scenario {
  level: number;
  clustered: boolean;
  /** for the check that the test can fail: event level analysed as if events were independent */
  ignoreClustering?: boolean;
}

function simulate({ level, clustered, ignoreClustering = false }: Scenario, seed: number): { coverage: number; meanWidth: number } {
  const uniform = prng(seed);
  const z = normals(uniform);
  const poisson2 = () => {
    // Knuth: events beyond the first, mean 2
    let k = 0;
    let p = uniform();
    while (p > Math.exp(-2)) {
      k++;
      p *= uniform();
    }
    return k;
  };
  const draw = (shift: number): Sample => {
    const byUser: Float64Array[] = [];
    let total = 0;
    for (let u = 0; u < USERS; u++) {
      if (!clustered) {
        byUser.push(Float64Array.of(Math.exp(shift + z())));
      } else {
        const userEffect = SIGMA_USER * z();
        const m = 1 + poisson2();
        const vs = new Float64Array(m);
        for (let j = 0; j < m; j++) vs[j] = Math.exp(shift + userEffect + SIGMA_EVENT * z());
        byUser.push(vs);
      }
      total += byUser[u]!.length;
    }
    const values = new Float64Array(total);
    let k = 0;
    for (const vs of byUser) for (const v of vs) values[k++] = v;
    values.sort();
    return { values, byUser };
  };
  // log values are N(shift, 1) at user level and N(shift, σ_u² + σ_e²) over events (event counts do not depend on the user effect)
  const spread = clustered ? Math.hypot(SIGMA_USER, SIGMA_EVENT) : 1;
  const truth = Math.exp(EFFECT + spread * Z_OF[level]!) - Math.exp(spread * Z_OF[level]!);
  let covered = 0;
  let width = 0;
  for (let r = 0; r < REPLICATIONS; r++) {
    const unit: Unit = !clustered ? 'user' : ignoreClustering ? 'independent events' : 'clustered';
    const summaries = [draw(0), draw(EFFECT)].map((s) => summary(s, level, unit));
    const request: StatsRequest = {
      alpha: 0.05,
      variants: [
        { id: 'control', weight: 1, users: USERS },
        { id: 'treatment', weight: 1, users: USERS },
      ],
      metrics: [{ key: 'q', type: 'quantile', data: { control: { n: USERS, quantile: summaries[0] }, treatment: { n: USERS, quantile: summaries[1] } } }],
    };
    const t = analyze(request).metrics[0]!.variants[1]!;
    const lo = t.absolute!.ciLow as number;
    const hi = t.absolute!.ciHigh as number;
    if (lo <= truth && truth <= hi) covered++;
    width += hi - lo;
  }
  return { coverage: covered / REPLICATIONS, meanWidth: width / REPLICATIONS };
}

describe('quantile intervals by simulation (coverage of the 95% interval of the difference)', () => {
  const results: string[] = [];
  it.each([
    ['p50, user level', { level: 0.5, clustered: false }, 11],
    ['p90, user level', { level: 0.9, clustered: false }, 12],
    ['p50, event level (clustered)', { level: 0.5, clustered: true }, 13],
    ['p90, event level (clustered)', { level: 0.9, clustered: true }, 14],
  ] as const)('%s: within 95 ± 1.5%', (name, scenario, seed) => {
    const { coverage } = simulate(scenario, seed);
    results.push(`${name} ${(coverage * 100).toFixed(1)}%`);
    console.log(`[quantile coverage] ${name}: ${(coverage * 100).toFixed(1)}% of ${REPLICATIONS}`);
    expect(coverage).toBeGreaterThanOrEqual(0.935);
    expect(coverage).toBeLessThanOrEqual(0.965);
  });

  it('the check can fail: event-level data analysed as independent events under-covers', () => {
    const naive = simulate({ level: 0.5, clustered: true, ignoreClustering: true }, 15);
    const adjusted = simulate({ level: 0.5, clustered: true }, 15);
    console.log(`[quantile coverage] p50 events as if independent: ${(naive.coverage * 100).toFixed(1)}% (cluster-adjusted ${(adjusted.coverage * 100).toFixed(1)}%)`);
    expect(naive.coverage).toBeLessThan(0.9);
    expect(naive.meanWidth).toBeLessThan(adjusted.meanWidth * 0.85);
  });
});
