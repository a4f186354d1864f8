import { describe, expect, it } from "vitest";
import { niceAxis } from "@/lib/ui/ticks";

describe("nice axis", () => {
  it("round steps that cover the range", () => {
    const a = niceAxis(-0.194, 0.559);
    expect(a.ticks).toEqual([-0.2, 0, 0.2, 0.4, 0.6]);
    expect(a.domain).toEqual([-0.2, 0.6]);
    expect(a.percentDigits).toBe(0);
  });

  it("small ranges get decimals; zero is exactly zero", () => {
    const a = niceAxis(-0.012, 0.031);
    expect(a.ticks).toContain(0);
    expect(a.ticks.every((t) => Object.is(t, -0) === false)).toBe(true);
    expect(a.domain[0]).toBeLessThanOrEqual(-0.012);
    expect(a.domain[1]).toBeGreaterThanOrEqual(0.031);
    expect(niceAxis(0, 0.1, 4).percentDigits).toBe(1); // 2.5% steps
    expect(niceAxis(0, 0.025, 10).percentDigits).toBe(2); // 0.25% steps
  });

  it("degenerate input", () => {
    expect(niceAxis(0, 0).ticks.length).toBeGreaterThan(1);
    expect(niceAxis(Number.NaN, 1).domain).toEqual([-1, 1]);
  });
});
