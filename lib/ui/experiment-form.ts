// Validation of the experiment editor (create and edit): what the form sends, the rules with a
// readable message per field, and the conversion to saveExperiment()'s input. No I/O.
import { z } from "zod";
import type { ExperimentInput, ExperimentWithParts, Role } from "@/lib/analysis/experiments";
import { dateRangeProblems, experimentIdSchema, exposureTableProblem, isIsoDate, variantKeySchema } from "@/lib/analysis/experiment-rules";
import { parseSegments, SEGMENT_DIMENSIONS, SEGMENT_LABELS } from "@/lib/analysis/segments";

export const SEGMENT_OPTIONS = SEGMENT_DIMENSIONS.map((key) => ({ key, label: SEGMENT_LABELS[key] }));

export const STATUS_OPTIONS = ["draft", "running", "stopped"] as const;
export const ROLE_OPTIONS: Role[] = ["primary", "secondary", "guardrail"];

/** What the form holds: strings as typed (numbers and dates are parsed by the schema). */
export interface ExperimentFormValues {
  id: string;
  name: string;
  hypothesis: string;
  owner: string;
  status: string;
  startDate: string;
  endDate: string;
  windowDays: string;
  exposureSource: string;
  exposureKey: string;
  controlVariant: string;
  variants: { key: string; name: string; weight: string }[];
  metrics: { key: string; role: string }[];
  segments: string[];
  /** the relative effect the test is sized for, in percent ("5" = ±5%) */
  plannedMde: string;
}

/** Field path ("name", "variants.1.weight") → message. */
export type FieldErrors = Record<string, string>;

export type FormResult = { ok: true; input: ExperimentInput } | { ok: false; errors: FieldErrors };

const trimmed = z.string().trim();

/** An optional field: "" means "not set" (no z.union: its errors would lose the field's message). */
const optional = (check: (s: string) => boolean, message: string) => trimmed.refine((s) => s === "" || check(s), message);

export function experimentFormSchema(metricKeys: readonly string[]) {
  const known = new Set(metricKeys);
  return z.object({
    id: trimmed
      .min(1, "Give the experiment an id")
      .max(64, "At most 64 characters")
      .pipe(experimentIdSchema),
    name: trimmed.min(1, "Give the experiment a name").max(120, "At most 120 characters"),
    hypothesis: trimmed.max(2000, "At most 2000 characters"),
    owner: trimmed.max(120, "At most 120 characters"),
    status: z.enum(STATUS_OPTIONS, { message: "Choose draft, running or stopped" }),
    startDate: trimmed.min(1, "Give a start date").refine(isIsoDate, "The start date must be a date (YYYY-MM-DD)"),
    endDate: optional(isIsoDate, "The end date must be a date (YYYY-MM-DD), or empty while it runs"),
    windowDays: optional((s) => /^\d+$/.test(s), "A whole number of days, or empty for “until the end date”")
      .refine((s) => s === "" || !/^\d+$/.test(s) || (Number(s) >= 1 && Number(s) <= 365), "Between 1 and 365 days")
      .transform((s) => (s === "" ? null : Number(s))),
    exposureSource: trimmed.superRefine((name, ctx) => {
      const problem = exposureTableProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    exposureKey: optional((s) => s.length <= 200 && /^[^\s'"\\;]+$/.test(s), "No spaces, quotes, backslashes or semicolons (at most 200 characters)"),
    controlVariant: trimmed.min(1, "Choose the control variant"),
    variants: z
      .array(
        z.object({
          key: trimmed.pipe(variantKeySchema),
          name: trimmed.min(1, "Give the variant a name").max(80, "At most 80 characters"),
          weight: trimmed
            .min(1, "Give a weight (e.g. 1)")
            .transform(Number)
            .pipe(z.number({ message: "A number" }).positive("Must be greater than 0").max(1e6, "Too large")),
        }),
      )
      .min(2, "An experiment needs at least two variants (a control and a treatment)")
      .max(10, "At most 10 variants"),
    metrics: z
      .array(
        z.object({
          key: z.string().refine((k) => known.has(k), "Not a registered metric"),
          role: z.enum(["primary", "secondary", "guardrail"], { message: "Choose primary, secondary or guardrail" }),
        }),
      )
      .min(1, "Choose at least one metric")
      .max(40, "At most 40 metrics"),
    segments: z.array(z.enum(SEGMENT_DIMENSIONS, { message: "Unknown segment" })),
    plannedMde: trimmed
      .min(1, "Give the effect the test should detect, in percent (e.g. 5)")
      .transform(Number)
      .pipe(z.number({ message: "A number of percent, e.g. 5" }).gt(0, "More than 0%").max(1000, "At most 1000%")),
  });
}

/**
 * Rules across fields, checked on the values as typed even when single fields are wrong, so every
 * problem is reported in one go (object-level zod refinements only run once all fields parse).
 */
function crossFieldErrors(values: unknown, today: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!values || typeof values !== "object") return errors;
  const v = values as Partial<Record<keyof ExperimentFormValues, unknown>>;
  const str = (x: unknown) => (typeof x === "string" ? x.trim() : "");
  const start = str(v.startDate);
  const end = str(v.endDate);
  Object.assign(errors, dateRangeProblems(start, end === "" ? null : end, today));
  const variants = Array.isArray(v.variants) ? (v.variants as unknown[]) : [];
  const keys = variants.map((x) => (x && typeof x === "object" ? str((x as { key?: unknown }).key) : ""));
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    if (key && seen.has(key)) errors[`variants.${i}.key`] = `Variant key “${key}” is used twice`;
    seen.add(key);
  });
  const control = str(v.controlVariant);
  if (variants.length > 0 && control && !keys.includes(control)) errors.controlVariant = "The control must be one of the variants";
  const metrics = Array.isArray(v.metrics) ? (v.metrics as unknown[]) : [];
  const metricKeys = metrics.map((m) => (m && typeof m === "object" ? str((m as { key?: unknown }).key) : ""));
  metricKeys.forEach((key, i) => {
    if (metricKeys.indexOf(key) !== i) errors[`metrics.${i}.key`] = "Chosen twice";
  });
  const roles = metrics.map((m) => (m && typeof m === "object" ? str((m as { role?: unknown }).role) : ""));
  if (metrics.length > 0 && !roles.includes("primary")) errors.metrics = "Make at least one metric primary";
  return errors;
}

/**
 * Validates untrusted form values; every problem comes back as a message keyed by its field.
 * `today` (YYYY-MM-DD, UTC) bounds how long an experiment without an end date may have run.
 */
export function validateExperimentForm(values: unknown, metricKeys: readonly string[], today = new Date().toISOString().slice(0, 10)): FormResult {
  const parsed = experimentFormSchema(metricKeys).safeParse(values);
  const errors: FieldErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join(".") || "form";
      errors[path] ??= issue.message;
    }
  }
  for (const [path, message] of Object.entries(crossFieldErrors(values, today))) errors[path] ??= message;
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const v = parsed.data;
  return {
    ok: true,
    input: {
      id: v.id,
      name: v.name,
      hypothesis: v.hypothesis,
      owner: v.owner,
      status: v.status,
      startDate: v.startDate,
      endDate: v.endDate === "" ? null : v.endDate,
      windowDays: v.windowDays,
      exposureSource: v.exposureSource,
      exposureKey: v.exposureKey === "" ? null : v.exposureKey,
      controlVariant: v.controlVariant,
      segments: [...new Set(v.segments)],
      variants: v.variants,
      metrics: v.metrics.map((m) => ({ key: m.key, role: m.role })),
      plannedMde: Math.round(v.plannedMde * 1e6) / 1e8,
    },
  };
}

/** The share of users each weight will get, as percentages (60 and 30 → 66.7% and 33.3%); null where a weight is not a positive number. */
export function weightShares(weights: readonly string[]): (number | null)[] {
  const nums = weights.map((w) => (w.trim() === "" ? NaN : Number(w)));
  const ok = nums.every((n) => Number.isFinite(n) && n > 0);
  const total = ok ? nums.reduce((a, n) => a + n, 0) : 0;
  return nums.map((n) => (ok && total > 0 ? n / total : null));
}

export function emptyFormValues(today: string): ExperimentFormValues {
  return {
    id: "",
    name: "",
    hypothesis: "",
    owner: "",
    status: "draft",
    startDate: today,
    endDate: "",
    windowDays: "",
    exposureSource: "exposures",
    exposureKey: "",
    controlVariant: "control",
    variants: [
      { key: "control", name: "Control", weight: "1" },
      { key: "treatment", name: "Treatment", weight: "1" },
    ],
    metrics: [],
    segments: [...SEGMENT_DIMENSIONS],
    plannedMde: "5",
  };
}

export function formValuesFrom(exp: ExperimentWithParts): ExperimentFormValues {
  return {
    id: exp.id,
    name: exp.name,
    hypothesis: exp.hypothesis,
    owner: exp.owner,
    status: exp.status,
    startDate: exp.startDate,
    endDate: exp.endDate ?? "",
    windowDays: exp.windowDays === null ? "" : String(exp.windowDays),
    exposureSource: exp.exposureSource,
    exposureKey: exp.exposureKey ?? "",
    controlVariant: exp.controlVariant,
    variants: exp.variants.map((v) => ({ key: v.key, name: v.name, weight: String(v.weight) })),
    metrics: exp.metrics.map((m) => ({ key: m.metricKey, role: m.role })),
    segments: parseSegments(exp.segments),
    plannedMde: String(Math.round(exp.plannedMde * 1e8) / 1e6),
  };
}
