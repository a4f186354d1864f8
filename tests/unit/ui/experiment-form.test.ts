import { describe, expect, it } from "vitest";
import { emptyFormValues, validateExperimentForm, type ExperimentFormValues } from "@/lib/ui/experiment-form";

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
});
