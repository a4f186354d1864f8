import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW } from "@/lib/analysis/stats-request";
import {
  DEFAULT_DISPLAY,
  displayFromParams,
  paramsFromSearch,
  searchFromView,
  stateFromSearch,
  viewFromParams,
  viewNotes,
} from "@/lib/ui/view-params";

describe("view and display params", () => {
  it("defaults when nothing is given, and an empty query for the defaults", () => {
    expect(viewFromParams({})).toEqual(DEFAULT_VIEW);
    expect(displayFromParams({})).toEqual(DEFAULT_DISPLAY);
    expect(searchFromView(DEFAULT_VIEW, DEFAULT_DISPLAY).toString()).toBe("");
  });

  it("parses every display option", () => {
    const d = displayFromParams({
      display: "absolute",
      mode: "bayesian",
      metrics: "signups,shares",
      variants: ["a", "b"],
      sig: "1",
      segment: "platform:ios",
      ts: "calendar",
      tsMetric: "shares",
    });
    expect(d).toEqual({
      display: "absolute",
      mode: "bayesian",
      metrics: ["signups", "shares"],
      variants: ["a", "b"],
      significantOnly: true,
      segment: "platform:ios",
      timeseries: "calendar",
      tsMetric: "shares",
    });
  });

  it("falls back to the default for each bad value, independently", () => {
    const d = displayFromParams({ display: "sideways", mode: "bayesian", metrics: ",, ,", sig: "yes", segment: "a b", ts: "weekly" });
    expect(d.display).toBe("relative");
    expect(d.mode).toBe("bayesian");
    expect(d.metrics).toBeNull();
    expect(d.significantOnly).toBe(false);
    expect(d.segment).toBe("all");
    expect(d.timeseries).toBe("exposure");
    expect(viewFromParams({ alpha: "2", correction: "bonferroni", sequential: "1" })).toEqual({
      ...DEFAULT_VIEW,
      sequential: true,
    });
  });

  it("round-trips through the URL", () => {
    const view = { alpha: 0.1, correction: "bh" as const, sequential: true, cuped: false, mode: "bayesian" as const };
    const display = {
      ...DEFAULT_DISPLAY,
      display: "absolute" as const,
      mode: "bayesian" as const,
      metrics: ["signups", "shares"],
      variants: ["gamified"],
      significantOnly: true,
      segment: "country:US",
      timeseries: "calendar" as const,
      tsMetric: "signups",
    };
    const search = new URLSearchParams(searchFromView(view, display).toString());
    expect(stateFromSearch(search)).toEqual({ view, display });
  });

  it("keeps repeated keys as lists", () => {
    const params = paramsFromSearch(new URLSearchParams("metrics=a&metrics=b&alpha=0.2"));
    expect(params).toEqual({ metrics: ["a", "b"], alpha: "0.2" });
    expect(displayFromParams(params).metrics).toEqual(["a", "b"]);
  });

  // issue 9, finding 8: 1e-17 was taken as given ("100% intervals" and NaN notes on the page)
  it("bounds alpha to [0.001, 0.5]: outside it the default, with a note", () => {
    for (const alpha of ["1e-17", "0", "-0.1", "0.6", "1", "abc", "", "Infinity"]) {
      expect(viewFromParams({ alpha }).alpha, alpha).toBe(DEFAULT_VIEW.alpha);
      expect(viewNotes({ alpha }), alpha).toEqual([
        `alpha "${alpha}" is not a number in [0.001, 0.5]; showing the default alpha = 0.05 (95% intervals)`,
      ]);
    }
    for (const [alpha, value] of [["0.001", 0.001], ["0.5", 0.5], ["0.2", 0.2]] as const) {
      expect(viewFromParams({ alpha }).alpha).toBe(value);
      expect(viewNotes({ alpha })).toEqual([]);
    }
    expect(viewNotes({})).toEqual([]);
    expect(viewNotes({ alpha: "9".repeat(100) })[0]).toContain(`"${"9".repeat(40)}…"`);
  });
});
