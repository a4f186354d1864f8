import { describe, expect, it } from "vitest";
import { parseCohortCsv, MAX_COHORT_SUBJECTS } from "@/lib/assignment/balance/cohort";

const errorsOf = (csv: string, idColumn?: string) => {
  const r = parseCohortCsv(csv, { idColumn });
  if (r.ok) throw new Error("expected errors");
  return r.errors;
};

describe("cohort CSV", () => {
  it("reads ids and numeric covariates in column order", () => {
    const r = parseCohortCsv('\uFEFFid,age,spend,is_member\r\nu-1,34,120.5,1\r\n"u,2", 41 ,-3e2,0\r\n\r\n');
    expect(r).toEqual({
      ok: true,
      cohort: {
        covariates: ["age", "spend", "is_member"],
        subjects: [
          { id: "u-1", values: [34, 120.5, 1] },
          { id: "u,2", values: [41, -300, 0] },
        ],
      },
    });
  });

  it("takes another id column", () => {
    const r = parseCohortCsv("store,sales\nA,10\nB,12\n", { idColumn: "store" });
    expect(r.ok && r.cohort.subjects.map((s) => s.id)).toEqual(["A", "B"]);
  });

  it("names the line and column of every bad cell", () => {
    expect(errorsOf("id,age,plan\nu1,30,2\nu2,,1\nu1,abc,3\n,5,1\n")).toEqual([
      { line: 3, column: "age", message: "empty: every covariate needs a number" },
      { line: 4, column: "id", message: 'id "u1" also on line 2' },
      { line: 4, column: "age", message: '"abc" is not a number' },
      { line: 5, column: "id", message: "the id is empty" },
    ]);
  });

  it("refuses files it cannot use, saying why", () => {
    expect(errorsOf("user,age\nu1,3\n")).toEqual([{ message: 'no "id" column in the header (found: user, age)' }]);
    expect(errorsOf("id\nu1\n")).toEqual([{ message: "no covariate columns: add at least one numeric column beside the id" }]);
    expect(errorsOf("id,age\n")).toEqual([{ message: "no subjects: the file has a header but no rows" }]);
    expect(errorsOf("id,age\nu1,3,9\n")).toEqual([{ line: 2, message: expect.stringMatching(/Too many fields/) }]);
    expect(errorsOf("id,age\n" + Array.from({ length: MAX_COHORT_SUBJECTS + 1 }, (_, i) => `u${i},1`).join("\n"))).toEqual([
      { message: `${MAX_COHORT_SUBJECTS + 1} subjects: balanced assignment takes at most ${MAX_COHORT_SUBJECTS}` },
    ]);
  });

  it("lists the first 20 problems and counts the rest", () => {
    const errors = errorsOf("id,x\n" + Array.from({ length: 25 }, (_, i) => `u${i},?`).join("\n"));
    expect(errors).toHaveLength(21);
    expect(errors[20]).toEqual({ message: "and 5 more problems" });
  });
});
