"use server";

import { redirect } from "next/navigation";
import { getExperiment, saveExperiment } from "@/lib/analysis/experiments";
import { deleteExperiment, ExperimentBusyError, recordDecision, setArchived } from "@/lib/analysis/store";
import { previewExposures, type ExposurePreview } from "@/lib/analysis/exposure-preview";
import { validateExperimentForm, type FieldErrors } from "@/lib/ui/experiment-form";
import { deleteConfirmed, validateDecision } from "@/lib/ui/decision-form";
import { loadCatalog } from "@/lib/metrics/registry";
import { publicMessage } from "@/lib/public-error";
import { AccessDenied, requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { actorName } from "@/lib/audit/actor";
import { experimentCreatedSummary, experimentDiff, inputFromStored } from "@/lib/audit/experiment-diff";
import { recordAudit } from "@/lib/audit/log";
import { validateAssignmentForm } from "@/lib/ui/assignment-form";
import { forgetServedPayload } from "@/lib/running/features";

// The app's write surfaces as server actions (Next checks their origin and body size). Each one
// checks the role on the server first: a button hidden from a viewer is not a permission.

/** The signed-in editor, or the sentence that tells why this person may not do `what`. */
async function editorOr(what: string): Promise<Principal | string> {
  try {
    return await requireRole("editor");
  } catch (err) {
    if (err instanceof AccessDenied) return `${what}: ${err.message}.`;
    throw err;
  }
}

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
  const who = await editorOr("Not saved");
  if (typeof who === "string") return { errors: {}, message: who };
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

export type PreviewState = { ok: true; preview: ExposurePreview } | { ok: false; message: string };

/** How many exposures the warehouse holds for the form's exposure table, key and dates, per logged variant (nothing is saved). */
export async function previewExposuresAction(values: { exposureTable: string; experimentKey: string; startDate: string; endDate: string }): Promise<PreviewState> {
  // a warehouse scan (money on BigQuery): the form's own audience, editors
  const who = await editorOr("Refused");
  if (typeof who === "string") return { ok: false, message: who };
  try {
    const today = new Date().toISOString().slice(0, 10);
    const input = {
      exposureTable: String(values?.exposureTable ?? "").trim(),
      experimentKey: String(values?.experimentKey ?? "").trim(),
      startDate: String(values?.startDate ?? "").trim(),
      endDate: String(values?.endDate ?? "").trim() || today,
    };
    return { ok: true, preview: await previewExposures(input) };
  } catch (err) {
    return { ok: false, message: publicMessage(err, "The warehouse could not be asked") };
  }
}

export interface ActionState {
  ok: boolean;
  message: string | null;
  errors?: Record<string, string>;
}

/** Records the team's decision (ship / roll back / no decision) with who and when; earlier ones are kept. */
export async function recordDecisionAction(experimentId: string, values: unknown): Promise<ActionState> {
  const who = await editorOr("Refused");
  if (typeof who === "string") return { ok: false, message: who };
  try {
    const exp = await getExperiment(experimentId);
    if (!exp) return { ok: false, message: "This experiment no longer exists." };
    const treatments = exp.variants.filter((v) => v.key !== exp.controlVariant).map((v) => v.key);
    const result = validateDecision(values, treatments);
    if (!result.ok) return { ok: false, message: "The decision needs attention.", errors: result.errors };
    await recordDecision(exp.id, { ...result.input, actor: actorName(who) });
    const { decision, variant, note } = result.input;
    await recordAudit(who, {
      action: "decided",
      targetType: "experiment",
      targetId: exp.id,
      experimentId: exp.id,
      summary: `${decision}${variant ? ` ${variant}` : ""}${note ? `: ${note}` : ""}`,
    });
    return { ok: true, message: null };
  } catch (err) {
    return { ok: false, message: publicMessage(err, "The decision could not be recorded") };
  }
}

/** Archives or restores an experiment (nothing is deleted). */
export async function setArchivedAction(experimentId: string, archived: boolean): Promise<ActionState> {
  const who = await editorOr("Refused");
  if (typeof who === "string") return { ok: false, message: who };
  try {
    if (!(await getExperiment(experimentId))) return { ok: false, message: "This experiment no longer exists." };
    await setArchived(experimentId, archived === true);
    await recordAudit(who, { action: archived === true ? "archived" : "restored", targetType: "experiment", targetId: experimentId, experimentId });
    return { ok: true, message: null };
  } catch (err) {
    return { ok: false, message: publicMessage(err, "The experiment could not be archived") };
  }
}

/** Deletes an experiment and every snapshot and decision of it, once its id is typed again. */
export async function deleteExperimentAction(experimentId: string, typedId: unknown): Promise<ActionState> {
  const who = await editorOr("Refused");
  if (typeof who === "string") return { ok: false, message: who };
  try {
    if (!deleteConfirmed(experimentId, typedId)) return { ok: false, message: `Type the experiment's id, “${experimentId}”, to delete it.` };
    if (!(await getExperiment(experimentId))) return { ok: false, message: "This experiment no longer exists." };
    const snapshots = await deleteExperiment(experimentId);
    await recordAudit(who, {
      action: "deleted",
      targetType: "experiment",
      targetId: experimentId,
      summary: `with its ${snapshots} snapshot${snapshots === 1 ? "" : "s"}`,
    });
    return { ok: true, message: `Deleted “${experimentId}” and its ${snapshots} snapshot${snapshots === 1 ? "" : "s"}.` };
  } catch (err) {
    if (err instanceof ExperimentBusyError) return { ok: false, message: err.message };
    return { ok: false, message: publicMessage(err, "The experiment could not be deleted") };
  }
}
