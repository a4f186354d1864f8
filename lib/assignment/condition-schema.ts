// Targeting conditions: the subset of GrowthBook's condition language (MongoDB-like JSON) that the
// product lets people write. Validation only; evaluation is the SDK's (condition-eval.ts).
import { z } from "zod";

export type ConditionLiteral = string | number | boolean;

/** Operators on one attribute; several in one object must all hold. */
export interface OperatorCondition {
  $eq?: ConditionLiteral;
  $ne?: ConditionLiteral;
  $in?: ConditionLiteral[];
  $nin?: ConditionLiteral[];
  $gt?: number | string;
  $gte?: number | string;
  $lt?: number | string;
  $lte?: number | string;
  $exists?: boolean;
  $regex?: string;
  $not?: FieldCondition;
}

/** A bare literal means equality (GrowthBook compares it as text for strings, as a number for numbers). */
export type FieldCondition = ConditionLiteral | OperatorCondition;

/** Keys are attribute paths ("country", "user.plan") or the combinators $and, $or, $not. */
export interface Condition {
  $and?: Condition[];
  $or?: Condition[];
  $not?: Condition;
  [attributePath: string]: FieldCondition | Condition | Condition[] | undefined;
}

export const FIELD_OPERATORS = ["$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists", "$regex", "$not"] as const;
export const COMBINATORS = ["$and", "$or", "$not"] as const;

/** JSON nesting (objects and lists) a condition may have: a form never needs more; a deeper one is a mistake or abuse. */
export const MAX_CONDITION_DEPTH = 20;
const MAX_LIST = 1000;

const ATTRIBUTE_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A value checked by the schema its shape calls for, so the error is that schema's (a z.union would only say "invalid input"). */
function dispatch<T>(choose: (value: unknown) => z.ZodType) {
  return z.custom<T>().superRefine((value, ctx) => {
    const result = choose(value).safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: [...issue.path] });
    }
  });
}

const literal = z.union([z.string(), z.number(), z.boolean()], { error: "expected a text, a number or true/false" });
const ordered = z.union([z.number(), z.string()], { error: "expected a number or a text" });
const list = z
  .array(literal, { error: "expected a list of values" })
  .min(1, "expected at least one value")
  .max(MAX_LIST, `expected at most ${MAX_LIST} values`);

const compiles = (pattern: string) => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};

const operatorCondition: z.ZodType<OperatorCondition> = z.lazy(() =>
  z
    .record(z.string(), z.unknown())
    .refine((o) => Object.keys(o).length > 0, "expected at least one operator")
    .pipe(
      z.strictObject(
        {
          $eq: literal.optional(),
          $ne: literal.optional(),
          $in: list.optional(),
          $nin: list.optional(),
          $gt: ordered.optional(),
          $gte: ordered.optional(),
          $lt: ordered.optional(),
          $lte: ordered.optional(),
          $exists: z.boolean({ error: "expected true or false" }).optional(),
          $regex: z.string({ error: "expected a regular expression as text" }).refine(compiles, "not a valid regular expression").optional(),
          $not: fieldCondition.optional(),
        },
        {
          error: (issue) =>
            issue.code === "unrecognized_keys"
              ? `unknown operator ${issue.keys.join(", ")} (supported: ${FIELD_OPERATORS.join(" ")})`
              : "expected a value or an object of operators",
        },
      ),
    ),
);

const fieldCondition: z.ZodType<FieldCondition> = dispatch<FieldCondition>((v) => (isPlainObject(v) ? operatorCondition : literal));

const conditionList: z.ZodType<Condition[]> = z.lazy(() =>
  z.array(condition, { error: "expected a list of conditions" }).min(1, "expected at least one condition"),
);

/** Whether objects and lists nest deeper than `levels` (stops descending there, so any input is safe). */
const nestsDeeper = (v: unknown, levels: number): boolean => {
  const children = Array.isArray(v) ? v : isPlainObject(v) ? Object.values(v) : null;
  if (children === null) return false;
  return levels === 0 || children.some((c) => nestsDeeper(c, levels - 1));
};

/** A whole condition object: attribute paths and combinators, all of which must hold. */
export const condition: z.ZodType<Condition> = z
  .record(z.string(), z.unknown(), { error: "expected an object of attribute conditions" })
  .superRefine((obj, ctx) => {
    for (const [key, value] of Object.entries(obj)) {
      let schema: z.ZodType;
      if (key === "$and" || key === "$or") schema = conditionList;
      else if (key === "$not") schema = z.lazy(() => condition);
      else if (key.startsWith("$")) {
        ctx.addIssue({ code: "custom", path: [key], message: `unknown combinator ${key} (supported: ${COMBINATORS.join(" ")})` });
        continue;
      } else if (!ATTRIBUTE_PATH.test(key)) {
        ctx.addIssue({ code: "custom", path: [key], message: `"${key}" is not an attribute name: use letters, digits, _ and -, with dots for nested attributes (user.plan)` });
        continue;
      } else schema = fieldCondition;
      const result = schema.safeParse(value);
      if (!result.success) {
        for (const issue of result.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: [key, ...issue.path] });
      }
    }
  }) as unknown as z.ZodType<Condition>;

/** The top-level schema: the depth is checked before the recursive walk. */
export const targetingCondition: z.ZodType<Condition> = z
  .unknown()
  .refine((v) => !nestsDeeper(v, MAX_CONDITION_DEPTH), `nested too deeply (at most ${MAX_CONDITION_DEPTH} levels of objects and lists)`)
  .pipe(condition);

export interface ConditionError {
  /** where the problem is, as written in the condition ("$and[0].country.$in") */
  path: string;
  message: string;
}

/** ["$and", 0, "user.plan", "$in"] → `$and[0].user.plan.$in` (attribute paths are shown as typed). */
export function formatConditionPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

export type ParsedCondition = { ok: true; condition: Condition } | { ok: false; errors: ConditionError[] };

/** Validates a condition (parsed JSON); every problem is named by its path. */
export function parseCondition(input: unknown): ParsedCondition {
  const result = targetingCondition.safeParse(input);
  if (result.success) return { ok: true, condition: result.data };
  return { ok: false, errors: result.error.issues.map((i) => ({ path: formatConditionPath(i.path), message: i.message })) };
}

/** Validates a condition typed as JSON text (the experiment form's field). */
export function parseConditionText(text: string): ParsedCondition {
  if (text.trim() === "") return { ok: true, condition: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [{ path: "", message: `not valid JSON: ${(e as Error).message}` }] };
  }
  return parseCondition(json);
}
