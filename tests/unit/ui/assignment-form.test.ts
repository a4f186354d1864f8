import { describe, expect, it } from "vitest";
import { assignmentFormValues, validateAssignmentForm, type AssignmentFormValues } from "@/lib/ui/assignment-form";

// The experiment form's assignment section (issue 13): each field's refusal names the field and the
// problem, and valid values become the phase's settings (shares, not percent).

function valid(over: Partial<AssignmentFormValues> = {}): AssignmentFormValues {
  return {
    ...assignmentFormValues(),
    coverage: "80",
    seed: "spring-sale",
    namespace: "checkout",
    namespaceStart: "25",
    namespaceEnd: "75",
    condition: JSON.stringify({ country: { $in: ["DE", "FR"] } }),
    refreshHours: "12",
    ...over,
  };
}

function errorsOf(over: Partial<AssignmentFormValues>): Record<string, string> {
  const r = validateAssignmentForm(valid(over));
  if (r.ok) throw new Error(`expected a refusal for ${JSON.stringify(over)}`);
  return r.errors;
}

describe("validateAssignmentForm", () => {
  it("turns valid values into settings: percentages as shares, the namespace as a range", () => {
    expect(validateAssignmentForm(valid())).toEqual({
      ok: true,
      settings: { coverage: 0.8, hashAttribute: "id", seed: "spring-sale", namespace: ["checkout", 0.25, 0.75], condition: { country: { $in: ["DE", "FR"] } } },
      refreshHours: 12,
    });
    // empty optional fields: no seed, no namespace, no condition, the default schedule
    expect(validateAssignmentForm(valid({ seed: "", namespace: "", condition: "", refreshHours: "" }))).toEqual({
      ok: true,
      settings: { coverage: 0.8, hashAttribute: "id", seed: null, namespace: null, condition: null },
      refreshHours: 6,
    });
  });

  it.each(["101", "-1", "100.5", "abc", "", "50%"])("refuses coverage %j (only 0 to 100)", (coverage) => {
    expect(errorsOf({ coverage })).toEqual({ "assignment.coverage": "A percentage from 0 to 100" });
  });

  it("takes the ends of the coverage range", () => {
    const zero = validateAssignmentForm(valid({ coverage: "0" }));
    const all = validateAssignmentForm(valid({ coverage: "100" }));
    expect(zero.ok && zero.settings.coverage).toBe(0);
    expect(all.ok && all.settings.coverage).toBe(1);
  });

  it("refuses a namespace whose end is not above its start, or whose bounds are out of range", () => {
    expect(errorsOf({ namespaceStart: "50", namespaceEnd: "50" })).toEqual({ "assignment.namespaceEnd": "The end must be above the start" });
    expect(errorsOf({ namespaceStart: "60", namespaceEnd: "40" })).toEqual({ "assignment.namespaceEnd": "The end must be above the start" });
    expect(errorsOf({ namespaceStart: "-5" })).toEqual({ "assignment.namespaceStart": "A percentage from 0 to 100" });
    expect(errorsOf({ namespaceEnd: "120" })).toEqual({ "assignment.namespaceEnd": "A percentage from 0 to 100" });
    expect(errorsOf({ namespace: "has spaces" })).toHaveProperty("assignment.namespace");
    // without a namespace its range is not read at all
    expect(validateAssignmentForm(valid({ namespace: "", namespaceStart: "90", namespaceEnd: "10" })).ok).toBe(true);
  });

  it("refuses a bad condition with the path of the problem inside it", () => {
    const nested = errorsOf({ condition: JSON.stringify({ $and: [{ country: "DE" }, { plan: { $in: [] } }] }) });
    expect(nested).toEqual({ "assignment.condition": "$and[1].plan.$in: expected at least one value" });
    const operator = errorsOf({ condition: JSON.stringify({ "user.age": { $older: 3 } }) });
    expect(operator["assignment.condition"]).toMatch(/^user\.age: unknown operator \$older/);
    expect(Object.keys(operator)).toEqual(["assignment.condition"]);
    expect(errorsOf({ condition: "{country: DE" })["assignment.condition"]).toBeTruthy();
  });

  it.each(["169", "-1", "1.5", "six", "1000"])("refuses refresh hours %j (whole hours from 0 to 168)", (refreshHours) => {
    expect(errorsOf({ refreshHours })).toEqual({ "assignment.refreshHours": "A whole number of hours from 0 (never) to 168" });
  });

  it("takes 0 (never) and 168 refresh hours", () => {
    const never = validateAssignmentForm(valid({ refreshHours: "0" }));
    const week = validateAssignmentForm(valid({ refreshHours: "168" }));
    expect(never.ok && never.refreshHours).toBe(0);
    expect(week.ok && week.refreshHours).toBe(168);
  });

  it("reports every bad field at once, and treats a non-object as empty", () => {
    const all = errorsOf({ coverage: "200", namespaceEnd: "10", condition: JSON.stringify({ $nor: [] }), refreshHours: "999", hashAttribute: "user id" });
    expect(Object.keys(all).sort()).toEqual([
      "assignment.condition",
      "assignment.coverage",
      "assignment.hashAttribute",
      "assignment.namespaceEnd",
      "assignment.refreshHours",
    ]);
    expect(all["assignment.condition"]).toMatch(/^\$nor: unknown combinator/);
    const none = validateAssignmentForm("not an object");
    expect(!none.ok && Object.keys(none.errors)).toEqual(["assignment.coverage"]);
  });
});
