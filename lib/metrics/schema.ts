import { z } from "zod";
import type { Definition } from "./define";

// The shape of every definition a metric file may export, checked field by field, so that a
// mistake is refused with the field's path ("window.toDay: …"). References between definitions
// (a metric's source and columns, a ratio's numerator) are checked by the catalog.

/** A metric or source key: lower_snake_case (experiments store it; lib/analysis/experiment-rules.ts checks it). */
export const METRIC_KEY = /^[a-z][a-z0-9_]{0,62}$/;
const KEY = METRIC_KEY;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

const key = z.string({ error: "must be a string" }).regex(KEY, "must be lower_snake_case: a letter, then letters, digits or _ (at most 63)");
const ident = z.string({ error: "must be a string" }).regex(IDENT, "must be a plain column or table name: letters, digits and _");
const scalar = z.union([z.string(), z.number().refine(Number.isFinite, "must be a finite number"), z.boolean()], {
  error: "must be a string, a number or true/false",
});

const cap = z.strictObject({
  type: z.enum(["absolute", "percentile"], { error: 'must be "absolute" or "percentile"' }),
  value: z.number({ error: "must be a number" }).refine(Number.isFinite, "must be a finite number"),
});
const capping = z.strictObject({ upper: cap.optional(), lower: cap.optional() });

const filter = z.strictObject({
  column: ident,
  op: z.enum(["=", "!=", "<", "<=", ">", ">=", "in", "not in", "is null", "is not null"], {
    error: 'must be one of =, !=, <, <=, >, >=, in, not in, is null, is not null',
  }),
  value: z.union([scalar, z.array(scalar)]).optional(),
});

const offset = z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more");
const window = z.strictObject({ fromDay: offset.optional(), toDay: offset.optional(), fromHours: offset.optional(), toHours: offset.optional() });

const base = {
  key,
  name: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(120, "at most 120 characters"),
  description: z.string({ error: "must be a string" }).optional(),
  unit: z.enum(["count", "currency", "days", "percent"], { error: 'must be "count", "currency", "days" or "percent"' }).optional(),
  currency: z.string({ error: "must be a string" }).regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code, e.g. "USD"').optional(),
  higherIsBetter: z.boolean({ error: "must be true or false" }).optional(),
};

const source = z.strictObject({
  kind: z.literal("source"),
  key,
  table: ident,
  userId: ident,
  timestamp: ident,
  date: ident,
  eventName: ident.optional(),
  value: ident.optional(),
  columns: z.record(ident, z.enum(["number", "string", "boolean", "timestamp", "date"], { error: 'must be "number", "string", "boolean", "timestamp" or "date"' })).optional(),
  description: z.string().optional(),
});

const eventMetric = z.strictObject({
  ...base,
  kind: z.literal("events"),
  statistic: z.enum(["mean", "proportion", "quantile"], { error: 'must be "mean", "proportion" or "quantile"' }),
  source: key.optional(),
  events: z.array(z.string().min(1, "must not be empty"), { error: "must be a list of event names" }).min(1, "must name at least one event (or leave it out to count every row)").optional(),
  aggregate: z.enum(["count", "sum", "days"], { error: 'must be "count", "sum" or "days"' }),
  column: ident.optional(),
  where: z.array(filter, { error: "must be a list of conditions" }).optional(),
  window: window.optional(),
  capping: capping.optional(),
  quantile: z.number({ error: "must be a number" }).optional(),
  level: z.enum(["user", "event"], { error: 'must be "user" or "event"' }).optional(),
  ignoreZeros: z.boolean({ error: "must be true or false" }).optional(),
});

const ratioMetric = z.strictObject({
  ...base,
  kind: z.literal("ratio"),
  statistic: z.literal("ratio"),
  numerator: key,
  denominator: key,
});

const sqlMetric = z.strictObject({
  ...base,
  kind: z.literal("sql"),
  statistic: z.enum(["mean", "proportion"], { error: 'must be "mean" or "proportion"' }),
  capping: capping.optional(),
  sql: z.custom<(ctx: unknown) => string>((v) => typeof v === "function", "must be a function (ctx) => SQL"),
});

const definition = z.discriminatedUnion("kind", [source, eventMetric, ratioMetric, sqlMetric], {
  error: "is not a metric or source definition (use defineEventMetric, defineRatioMetric, defineSqlMetric or defineSource)",
});

type Issue = { path: (string | number)[]; message: string };

function checkCap(c: z.infer<typeof cap> | undefined, path: (string | number)[], issues: Issue[]): void {
  if (c?.type === "percentile" && !(c.value > 0 && c.value < 1)) issues.push({ path: [...path, "value"], message: `a percentile cap must be between 0 and 1 (got ${c.value})` });
}

/** Rules across fields of one definition. */
function crossFieldIssues(d: z.infer<typeof definition>): Issue[] {
  const issues: Issue[] = [];
  if (d.kind !== "source" && d.currency !== undefined && d.unit !== "currency") issues.push({ path: ["currency"], message: 'applies to money metrics only: add unit: "currency"' });
  if (d.kind === "ratio" && d.numerator === d.key) issues.push({ path: ["numerator"], message: "a ratio cannot use itself" });
  if (d.kind === "ratio" && d.denominator === d.key) issues.push({ path: ["denominator"], message: "a ratio cannot use itself" });
  if (d.kind === "sql" || d.kind === "events") {
    if (d.capping && d.statistic !== "mean") issues.push({ path: ["capping"], message: "capping applies to mean metrics only" });
    checkCap(d.capping?.upper, ["capping", "upper"], issues);
    checkCap(d.capping?.lower, ["capping", "lower"], issues);
  }
  if (d.kind !== "events") return issues;
  if (d.statistic === "quantile") {
    if (d.quantile === undefined) issues.push({ path: ["quantile"], message: "a quantile metric needs its level, e.g. quantile: 0.9" });
    else if (!(d.quantile > 0 && d.quantile < 1)) issues.push({ path: ["quantile"], message: `must be between 0 and 1, exclusive (got ${d.quantile})` });
    if (d.level === "event" && d.aggregate !== "sum") {
      issues.push({ path: ["aggregate"], message: 'an event-level quantile takes each row\'s value: use aggregate "sum" (and `column`)' });
    }
    if (d.level === "event" && d.ignoreZeros) issues.push({ path: ["ignoreZeros"], message: "applies to user-level quantiles only" });
  } else {
    if (d.quantile !== undefined) issues.push({ path: ["quantile"], message: 'only for statistic "quantile"' });
    if (d.level !== undefined) issues.push({ path: ["level"], message: 'only for statistic "quantile"' });
    if (d.ignoreZeros !== undefined) issues.push({ path: ["ignoreZeros"], message: 'only for statistic "quantile"' });
  }
  if (d.column !== undefined && d.aggregate !== "sum") issues.push({ path: ["column"], message: 'only for aggregate "sum"' });
  const w = d.window;
  if (w) {
    const days = w.fromDay !== undefined || w.toDay !== undefined;
    const hours = w.fromHours !== undefined || w.toHours !== undefined;
    if (days && hours) issues.push({ path: ["window"], message: "give days (fromDay/toDay) or hours (fromHours/toHours), not both" });
    const [from, to, unit] = days ? [w.fromDay ?? 0, w.toDay, "Day"] : [w.fromHours ?? 0, w.toHours, "Hours"];
    if (to !== undefined && to <= from) issues.push({ path: ["window", `to${unit}`], message: `must be greater than from${unit} (${from}); got ${to}` });
  }
  (d.where ?? []).forEach((f, i) => {
    const at = ["where", i, "value"];
    const isNullTest = f.op === "is null" || f.op === "is not null";
    const isList = f.op === "in" || f.op === "not in";
    if (isNullTest && f.value !== undefined) issues.push({ path: at, message: `"${f.op}" takes no value` });
    if (isList && !(Array.isArray(f.value) && f.value.length > 0)) issues.push({ path: at, message: `"${f.op}" needs a non-empty list of values` });
    if (!isNullTest && !isList && (f.value === undefined || Array.isArray(f.value))) issues.push({ path: at, message: `"${f.op}" needs one value` });
  });
  return issues;
}

function formatIssue(i: Issue): string {
  return i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message;
}

export type CheckResult = { ok: true; definition: Definition } | { ok: false; problems: string[] };

/** Validates one exported value; problems name the field ("window.toDay: must be greater …"). */
export function parseDefinition(value: unknown): CheckResult {
  const parsed = definition.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) =>
        formatIssue({ path: (i.code === "unrecognized_keys" ? [...i.path, ...i.keys] : i.path).map((k) => (typeof k === "symbol" ? String(k) : k)), message: i.code === "unrecognized_keys" ? "unknown field" : i.message }),
      ),
    };
  }
  const issues = crossFieldIssues(parsed.data);
  if (issues.length) return { ok: false, problems: issues.map(formatIssue) };
  return { ok: true, definition: parsed.data as Definition };
}

export class DefinitionError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: string[],
  ) {
    super(`${subject}: ${problems.join("; ")}`);
    this.name = "DefinitionError";
  }
}

/** What define*() calls: the definition back, or an error naming the definition and the fields. */
export function checkDefinition(value: { kind: string; key?: unknown; [field: string]: unknown }): Definition {
  const r = parseDefinition(value);
  if (r.ok) return r.definition;
  const what = value.kind === "source" ? "source" : "metric";
  throw new DefinitionError(`${what} ${typeof value.key === "string" ? value.key : "(no key)"}`, r.problems);
}
