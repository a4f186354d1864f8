// The experiment form's assignment section (issue 13): who takes part (coverage, targeting
// condition, namespace), how users are hashed (attribute, seed), and the refresh schedule. Values
// as typed; validation with a message per field ("assignment.coverage", …). No I/O.
import { parseConditionText } from "@/lib/assignment/condition-schema";
import { describeCondition } from "@/lib/assignment/condition-text";
import { DEFAULT_ASSIGNMENT, type AssignmentSettings, type Phase } from "@/lib/analysis/phases";
import type { FieldErrors } from "./experiment-form";

export interface AssignmentFormValues {
  /** percent of eligible users in the experiment, 0–100 */
  coverage: string;
  hashAttribute: string;
  /** empty: the experiment's key */
  seed: string;
  /** empty: no namespace */
  namespace: string;
  /** percent range of the namespace, [start, end) */
  namespaceStart: string;
  namespaceEnd: string;
  /** a targeting condition as JSON (GrowthBook's condition language); empty: everyone */
  condition: string;
  /** analysed every N hours while running; 0 = never */
  refreshHours: string;
}

export const DEFAULT_REFRESH_HOURS = 6;

const percent = (share: number) => String(Math.round(share * 100 * 1e6) / 1e6);

export function assignmentFormValues(settings: AssignmentSettings = DEFAULT_ASSIGNMENT, refreshHours = DEFAULT_REFRESH_HOURS): AssignmentFormValues {
  return {
    coverage: percent(settings.coverage),
    hashAttribute: settings.hashAttribute,
    seed: settings.seed ?? "",
    namespace: settings.namespace?.[0] ?? "",
    namespaceStart: settings.namespace ? percent(settings.namespace[1]) : "0",
    namespaceEnd: settings.namespace ? percent(settings.namespace[2]) : "100",
    condition: settings.condition && Object.keys(settings.condition).length > 0 ? JSON.stringify(settings.condition, null, 2) : "",
    refreshHours: String(refreshHours),
  };
}

export function assignmentFromPhase(phase: Pick<Phase, keyof AssignmentSettings>, refreshHours: number): AssignmentFormValues {
  return assignmentFormValues(phase, refreshHours);
}

const ATTRIBUTE = /^[A-Za-z0-9_-]+$/;
const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

function percentValue(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return n >= 0 && n <= 100 ? n / 100 : null;
}

export type AssignmentResult = { ok: true; settings: AssignmentSettings; refreshHours: number } | { ok: false; errors: FieldErrors };

/** The plain-words reading of a condition as typed, or null when it does not parse. */
export function conditionInWords(text: string): string | null {
  const parsed = parseConditionText(text);
  return parsed.ok ? describeCondition(parsed.condition) : null;
}

/** Validates the section's values (untrusted); errors are keyed "assignment.<field>". */
export function validateAssignmentForm(input: unknown): AssignmentResult {
  const v = (typeof input === "object" && input !== null ? input : {}) as Partial<Record<keyof AssignmentFormValues, unknown>>;
  const str = (x: unknown) => (typeof x === "string" ? x : "");
  const errors: FieldErrors = {};
  const coverage = percentValue(str(v.coverage));
  if (coverage === null) errors["assignment.coverage"] = "A percentage from 0 to 100";
  const hashAttribute = str(v.hashAttribute).trim() || "id";
  if (!ATTRIBUTE.test(hashAttribute) || hashAttribute.length > 64) errors["assignment.hashAttribute"] = "An attribute name: letters, digits, _ and - (e.g. id)";
  const seed = str(v.seed).trim();
  if (seed.length > 200) errors["assignment.seed"] = "At most 200 characters";
  const namespace = str(v.namespace).trim();
  let range: [string, number, number] | null = null;
  if (namespace !== "") {
    if (!NAMESPACE.test(namespace)) errors["assignment.namespace"] = "Letters, digits and _ . : - (e.g. checkout), at most 64 characters";
    const start = percentValue(str(v.namespaceStart));
    const end = percentValue(str(v.namespaceEnd));
    if (start === null) errors["assignment.namespaceStart"] = "A percentage from 0 to 100";
    if (end === null) errors["assignment.namespaceEnd"] = "A percentage from 0 to 100";
    else if (start !== null && end <= start) errors["assignment.namespaceEnd"] = "The end must be above the start";
    if (start !== null && end !== null) range = [namespace, start, end];
  }
  const parsed = parseConditionText(str(v.condition));
  if (!parsed.ok) errors["assignment.condition"] = parsed.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ");
  const hoursText = str(v.refreshHours).trim() || String(DEFAULT_REFRESH_HOURS);
  const refreshHours = /^\d+$/.test(hoursText) ? Number(hoursText) : NaN;
  if (!(refreshHours >= 0 && refreshHours <= 24 * 7)) errors["assignment.refreshHours"] = "A whole number of hours from 0 (never) to 168";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const condition = parsed.ok && Object.keys(parsed.condition).length > 0 ? parsed.condition : null;
  return {
    ok: true,
    settings: { coverage: coverage!, hashAttribute, seed: seed === "" ? null : seed, namespace: range, condition },
    refreshHours,
  };
}
