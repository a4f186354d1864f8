"use server";

import { redirect } from "next/navigation";
import { getExperiment, saveExperiment } from "@/lib/analysis/experiments";
import { validateExperimentForm, type FieldErrors } from "@/lib/ui/experiment-form";
import { loadCatalog } from "@/lib/metrics/registry";
import { publicMessage } from "@/lib/public-error";
import { AccessDenied, requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { experimentCreatedSummary, experimentDiff, inputFromStored } from "@/lib/audit/experiment-diff";
import { recordAudit } from "@/lib/audit/log";
import { validateAssignmentForm } from "@/lib/ui/assignment-form";
import { forgetServedPayload } from "@/lib/running/features";

export interface SaveState {
  errors: FieldErrors;
  /** a form-wide message (e.g. the database refused); never a stack trace */
  message: string | null;
}

/**
 * Creates (mode "create": the id must be new) or replaces (mode "edit": the id is the page's) an
 * experiment. Invalid input saves nothing and returns a message per field.
 */
export async function saveExperimentAction(mode: "create" | "edit", originalId: string | null, values: unknown): Promise<SaveState> {
  let who: Principal;
  try {
    who = await requireRole("editor");
  } catch (err) {
    if (err instanceof AccessDenied) return { errors: {}, message: `Not saved: ${err.message}.` };
    throw err;
  }
  const result = validateExperimentForm(values, [...(await loadCatalog()).metrics.keys()]);
  // the assignment section (issue 13); a caller that leaves it out keeps the experiment's as it is
  const sent = values && typeof values === "object" && "assignment" in values ? (values as { assignment: unknown }).assignment : undefined;
  const assignment = sent === undefined ? null : validateAssignmentForm(sent);
  if (!result.ok || (assignment && !assignment.ok)) {
    return { errors: { ...(result.ok ? {} : result.errors), ...(assignment && !assignment.ok ? assignment.errors : {}) }, message: "Some fields need attention." };
  }
  const input = assignment?.ok ? { ...result.input, assignment: assignment.settings, refreshHours: assignment.refreshHours } : result.input;
  try {
    const existing = await getExperiment(input.id);
    if (mode === "create" && existing) {
      return { errors: { id: `An experiment with the id “${input.id}” already exists` }, message: "Some fields need attention." };
    }
    if (mode === "edit") {
      if (!originalId || originalId !== input.id) {
        return { errors: { id: "The id of an existing experiment cannot change" }, message: "Some fields need attention." };
      }
      if (!existing) return { errors: {}, message: "This experiment no longer exists." };
    }
    const phase = await saveExperiment(input);
    forgetServedPayload();
    const phaseNote = phase.kind === "new" ? `; phase ${phase.phase.number} started (${phase.changed.join(", ")} changed)` : "";
    await recordAudit(who, {
      action: existing ? "edited" : "created",
      targetType: "experiment",
      targetId: input.id,
      experimentId: input.id,
      summary: (existing ? experimentDiff(inputFromStored(existing), input) : experimentCreatedSummary(input)) + phaseNote,
    });
  } catch (err) {
    return { errors: {}, message: publicMessage(err, "The experiment could not be saved") };
  }
  redirect(`/experiments/${encodeURIComponent(input.id)}`);
}
