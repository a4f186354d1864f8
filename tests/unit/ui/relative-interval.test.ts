import { describe, expect, it } from "vitest";
import { fiellerRelative, treatmentShare } from "@/lib/ui/relative-interval";

// Fieller's interval for the relative lift, against a brute-force scan of its definition and
// against the delta method where the two must agree (large samples, small effects).

/** The set {ρ : (a − ρc)² ≤ h²(f + ρ²(1 − f))} by scanning ρ finely: its ends, minus 1. */
function scan(d: number, h: number, c: number, f: number): [number, number] {
  const a = c + d;
  let lo = Infinity;
  let hi = -Infinity;
  for (let rho = 0; rho <= 3; rho += 1e-6) {
    if ((a - rho * c) ** 2 <= h * h * (f + rho * rho * (1 - f))) {
      lo = Math.min(lo, rho);
      hi = Math.max(hi, rho);
    }
  }
  return [lo - 1, hi - 1];
}

describe("Fieller's relative interval", () => {
  it.each([
    [0.0091, 0.0089, 0.075, 0.49],
    [0.02, 0.05, 0.3, 0.5],
    [-0.3, 0.12, 3.2, 0.55],
    [1.5, 1.2, 10, 0.3],
  ])("d = %f, h = %f, control mean %f, treatment share %f: the scan's ends", (d, h, c, f) => {
    const got = fiellerRelative({ estimate: d, ciLow: d - h, ciHigh: d + h }, c, f)!;
    const [lo, hi] = scan(d, h, c, f);
    expect(got.ciLow!).toBeCloseTo(lo, 5);
    expect(got.ciHigh!).toBeCloseTo(hi, 5);
    expect(got.estimate).toBeCloseTo(d / c, 12);
  });

  it("excludes zero exactly when the difference's interval does", () => {
    for (const [d, h] of [
      [0.0091, 0.0090],
      [0.0091, 0.0092],
      [-0.5, 0.49],
      [-0.5, 0.51],
    ] as const) {
      const r = fiellerRelative({ estimate: d, ciLow: d - h, ciHigh: d + h }, 0.075 + Math.abs(d) * 10, 0.5)!;
      expect(r.ciLow! > 0 || r.ciHigh! < 0, `d ${d} h ${h}`).toBe(Math.abs(d) > h);
    }
  });

  it("is the delta method's interval, to first order, for large samples", () => {
    // control mean 10, sd 4 in both arms, 200,000 users each, lift 1%: se_diff = 4·√(2/n)
    const n = 200_000;
    const c = 10;
    const d = 0.1;
    const se = 4 * Math.sqrt(2 / n);
    const h = 1.96 * se;
    const r = fiellerRelative({ estimate: d, ciLow: d - h, ciHigh: d + h }, c, 0.5)!;
    // delta method: Var(r) = (σ²/n)/c² + (1 + r)²(σ²/n)/c²
    const rel = d / c;
    const seRel = Math.sqrt((16 / n) * (1 + (1 + rel) ** 2)) / c;
    expect(r.ciLow!).toBeCloseTo(rel - 1.96 * seRel, 4);
    expect(r.ciHigh!).toBeCloseTo(rel + 1.96 * seRel, 4);
  });

  it("gives up (null) where the set is unbounded or the control mean is not positive", () => {
    expect(fiellerRelative({ estimate: 0.1, ciLow: -1, ciHigh: 1.2 }, 0.5, 0.5)).toBeNull(); // the control mean's own interval spans 0
    expect(fiellerRelative({ estimate: 0.1, ciLow: 0, ciHigh: 0.2 }, 0, 0.5)).toBeNull();
    expect(fiellerRelative({ estimate: 0.1, ciLow: 0, ciHigh: 0.2 }, -3, 0.5)).toBeNull();
    expect(fiellerRelative({ estimate: null, ciLow: null, ciHigh: null }, 3, 0.5)).toBeNull();
  });

  it("the treatment's share of the difference's variance", () => {
    expect(treatmentShare(2, 100, 2, 100)).toBe(0.5);
    expect(treatmentShare(2, 100, 1, 100)).toBeCloseTo(0.8, 12);
    expect(treatmentShare(null, 300, null, 100)).toBe(0.25);
  });
});
