import { describe, expect, it } from "vitest";
import { BRACKET_Z } from "@/lib/analysis/statements/quantile";
import { qnorm } from "@/lib/stats/distributions";
import { eventQuantile, userQuantile } from "../support/brute-force";
import { normals, prng } from "./stats/helpers";

// The quantile bracket each arm sends to the stats engine, [x at p − z·√(p(1−p)/n*), x at p + …],
// is a 95% confidence interval for the population quantile (Deng, Knoblich & Lu 2018). Checked
// by seeded simulation on the definitions the warehouse statements are tested to equal
// (tests/support/brute-force.ts): coverage within 95 ± 1.5% for p50 and p90, of user values and of
// rows clustered by user (where the cluster adjustment n* is what keeps the coverage).

const REPS = 2000;

function coverage(label: string, draw: () => { bracket: { lower: number | null; upper: number | null }; truth: number }): number {
  let hit = 0;
  for (let i = 0; i < REPS; i++) {
    const { bracket, truth } = draw();
    if (bracket.lower !== null && bracket.upper !== null && bracket.lower <= truth && truth <= bracket.upper) hit++;
  }
  console.info(`[quantile bracket] ${label}: coverage ${((hit / REPS) * 100).toFixed(1)}% over ${REPS} samples`);
  return hit / REPS;
}

describe("quantile brackets cover the population quantile 95% of the time", () => {
  for (const p of [0.5, 0.9]) {
    it(`user-level p${p * 100}: 300 users with log-normal values`, () => {
      const z = normals(prng(1000 + p * 10));
      const truth = Math.exp(qnorm(p));
      const c = coverage(`user p${p * 100}`, () => ({ bracket: userQuantile(Array.from({ length: 300 }, () => Math.exp(z())), p, BRACKET_Z), truth }));
      expect(Math.abs(c - 0.95), `coverage ${c}`).toBeLessThan(0.015);
    });

    // each user has 1 + Poisson(2) rows whose values share the user's level: value = u + e,
    // u, e ~ N(0, 1), so every row is N(0, 2) and the rows' p-quantile is √2·Φ⁻¹(p)
    const clustered = (seed: number) => {
      const uniform = prng(seed);
      const z = normals(uniform);
      const poisson = (lambda: number) => {
        let k = 0;
        for (let prod = uniform(); prod > Math.exp(-lambda); prod *= uniform()) k++;
        return k;
      };
      return () =>
        Array.from({ length: 300 }, () => {
          const u = z();
          return Array.from({ length: 1 + poisson(2) }, () => u + z());
        });
    };

    it(`event-level p${p * 100}: rows clustered by user, with the cluster adjustment`, () => {
      const users = clustered(2000 + p * 10);
      const truth = Math.SQRT2 * qnorm(p);
      const c = coverage(`event p${p * 100}`, () => ({ bracket: eventQuantile(users(), p, BRACKET_Z), truth }));
      expect(Math.abs(c - 0.95), `coverage ${c}`).toBeLessThan(0.015);
    });

    it(`event-level p${p * 100}: treating the rows as independent would not cover (why n* is needed)`, () => {
      const users = clustered(3000 + p * 10);
      const truth = Math.SQRT2 * qnorm(p);
      const c = coverage(`event p${p * 100} without n*`, () => ({ bracket: userQuantile(users().flat(), p, BRACKET_Z), truth }));
      expect(c, `coverage ${c}`).toBeLessThan(0.9);
    });
  }
});
