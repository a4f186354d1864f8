import { describe, expect, it } from "vitest";
import { emptyFormValues, validateExperimentForm, weightShares, type ExperimentFormValues } from "@/lib/ui/experiment-form";

const metricKeys = ["purchases", "sessions"];

function valid(): ExperimentFormValues {
  return {
    ...emptyFormValues("2026-10-01"),
    id: "checkout-copy",
    name: " Checkout copy ",
    endDate: "2026-10-28",
    windowDays: "7",
    exposureKey: "checkout-redesign",
    metrics: [
      { key: "purchases", role: "primary" },
      { key: "sessions", role: "guardrail" },
    ],
  };
}

describe("experiment form", () => {
  it("shows weights as the shares they become, and takes the planned effect in percent", () => {
    const shares = weightShares(["60", "30"]);
    expect(shares[0]).toBeCloseTo(2 / 3, 12);
    expect(shares[1]).toBeCloseTo(1 / 3, 12);
    expect(weightShares(["1", "1", "2"])).toEqual([0.25, 0.25, 0.5]);
    expect(weightShares(["1", "abc"])).toEqual([null, null]);
    expect(weightShares(["1", "0"])).toEqual([null, null]);
    const r = validateExperimentForm({ ...valid(), plannedMde: "2.5" }, metricKeys);
    expect(r.ok && r.input.plannedMde).toBe(0.025);
    const bad = validateExperimentForm({ ...valid(), plannedMde: "0" }, metricKeys);
    expect(!bad.ok && bad.errors.plannedMde).toBe("More than 0%");
    expect(!validateExperimentForm({ ...valid(), plannedMde: "five" }, metricKeys).ok).toBe(true);
  });

  it("turns valid values into saveExperiment input", () => {
    const r = validateExperimentForm(valid(), metricKeys);
    expect(r).toEqual({
      ok: true,
      input: {
        id: "checkout-copy",
        name: "Checkout copy",
        hypothesis: "",
        owner: "",
        status: "draft",
        startDate: "2026-10-01",
        endDate: "2026-10-28",
        windowDays: 7,
        exposureSource: "exposures",
        exposureKey: "checkout-redesign",
        controlVariant: "control",
        segments: ["platform", "country", "user_type"],
        variants: [
          { key: "control", name: "Control", weight: 1 },
          { key: "treatment", name: "Treatment", weight: 1 },
        ],
        metrics: [
          { key: "purchases", role: "primary" },
          { key: "sessions", role: "guardrail" },
        ],
        plannedMde: 0.05,
      },
    });
    const open = validateExperimentForm({ ...valid(), endDate: "", windowDays: "", exposureKey: "" }, metricKeys);
    expect(open.ok && open.input).toMatchObject({ endDate: null, windowDays: null, exposureKey: null });
  });

  it("reports every problem at once, keyed by field", () => {
    const r = validateExperimentForm(
      {
        ...valid(),
        id: "Bad Id",
        name: "",
        startDate: "2026-02-30",
        endDate: "2026-01-01",
        windowDays: "0",
        exposureSource: "drop table;",
        controlVariant: "nobody",
        variants: [
          { key: "control", name: "Control", weight: "1" },
          { key: "control", name: "", weight: "-1" },
        ],
        metrics: [{ key: "nope", role: "secondary" }],
      },
      metricKeys,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(
      [
        "controlVariant",
        "exposureSource",
        "id",
        "metrics",
        "metrics.0.key",
        "name",
        "startDate",
        "variants.1.key",
        "variants.1.name",
        "variants.1.weight",
        "windowDays",
      ].sort(),
    );
    expect(r.errors.windowDays).toBe("Between 1 and 365 days");
    expect(r.errors["variants.1.key"]).toContain("used twice");
    expect(r.errors.metrics).toContain("primary");
  });

  it("end before start; too few variants; no metrics; garbage", () => {
    const a = validateExperimentForm({ ...valid(), endDate: "2026-09-01" }, metricKeys);
    expect(!a.ok && a.errors.endDate).toBe("The end date is before the start date");
    const b = validateExperimentForm({ ...valid(), variants: [{ key: "control", name: "C", weight: "1" }], metrics: [] }, metricKeys);
    expect(!b.ok && Object.keys(b.errors).sort()).toEqual(["metrics", "variants"]);
    const c = validateExperimentForm("nonsense", metricKeys);
    expect(c.ok).toBe(false);
  });

  it("bounds the dates and the span, naming the limit", () => {
    const today = "2026-11-30";
    const check = (patch: Partial<ExperimentFormValues>) => {
      const r = validateExperimentForm({ ...valid(), ...patch }, metricKeys, today);
      return r.ok ? {} : r.errors;
    };
    expect(check({ endDate: "9999-12-31" }).endDate).toBe("The end date must be between 2000-01-01 and 2100-12-31");
    expect(check({ startDate: "1900-01-01", endDate: "1900-02-01" }).startDate).toBe("The start date must be between 2000-01-01 and 2100-12-31");
    // two years at most: 2026-10-01 … 2028-09-30 fits, one more day does not
    expect(check({ endDate: "2028-09-30" })).toEqual({});
    expect(check({ endDate: "2028-10-01" }).endDate).toBe("An experiment spans at most 2 years: end it on 2028-09-30 at the latest");
    // a leap day start: two years later is 2026-02-28, so the last day is 2026-02-27
    expect(check({ startDate: "2024-02-29", endDate: "2026-02-28" }).endDate).toMatch(/end it on 2026-02-27 at the latest/);
    // ongoing: analysed up to today, so it may not have started more than two years ago
    expect(check({ startDate: "2024-12-01", endDate: "" })).toEqual({});
    expect(check({ startDate: "2024-11-30", endDate: "" }).endDate).toMatch(/more than 2 years.*on or before 2026-11-29/);
  });

  it("refuses a system catalog as the exposure table and ids that are unsafe anywhere", () => {
    for (const table of ["duckdb_tables", "DUCKDB_COLUMNS", "information_schema", "INFORMATION_SCHEMA", "pg_class", "sqlite_master", "pragma_database_list", "__TABLES__"]) {
      const r = validateExperimentForm({ ...valid(), exposureSource: table }, metricKeys);
      expect(!r.ok && r.errors.exposureSource, table).toMatch(/system catalog/);
    }
    expect(validateExperimentForm({ ...valid(), exposureSource: "exposures_pg" }, metricKeys).ok).toBe(true);
    const r = validateExperimentForm(
      { ...valid(), id: "a\nSELECT 1", variants: [{ key: "control", name: "C", weight: "1" }, { key: "t\n--", name: "T", weight: "1" }] },
      metricKeys,
    );
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(["id", "variants.1.key"]);
  });
});
