// The rules of the "record a decision" form and of the list's archive / delete confirmation. No I/O.
import { z } from "zod";
import { DECISIONS, type DecisionInput, type TeamDecision } from "@/lib/analysis/team-decisions";

export const DECISION_LABELS: Record<TeamDecision, string> = {
  ship: "Ship",
  rollback: "Roll back",
  none: "No decision",
};

export const NOTE_MAX = 2000;

export interface DecisionFormValues {
  decision: string;
  variant: string;
  note: string;
}

export type DecisionFormResult = { ok: true; input: Omit<DecisionInput, "actor"> } | { ok: false; errors: Record<string, string> };

/** Validates a decision for an experiment whose treatment variants are `treatments` (keys). */
export function validateDecision(values: unknown, treatments: readonly string[]): DecisionFormResult {
  const schema = z.object({
    decision: z.enum(DECISIONS, { message: "Choose ship, roll back or no decision" }),
    variant: z.string().trim().max(80).default(""),
    note: z.string().trim().max(NOTE_MAX, `At most ${NOTE_MAX} characters`).default(""),
  });
  const parsed = schema.safeParse(values);
  const errors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[issue.path.map(String).join(".") || "form"] ??= issue.message;
    return { ok: false, errors };
  }
  const v = parsed.data;
  if (v.decision === "ship") {
    if (treatments.length === 1 && v.variant === "") v.variant = treatments[0]!;
    if (!treatments.includes(v.variant)) errors.variant = "Choose the variant that ships";
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, input: { decision: v.decision, variant: v.decision === "ship" ? v.variant : null, note: v.note } };
}

/** Deleting needs the experiment's id typed again: it takes every snapshot with it. */
export function deleteConfirmed(id: string, typed: unknown): boolean {
  return typeof typed === "string" && typed.trim() === id;
}
