"use server";

import { redirect } from "next/navigation";
import { getExperiment, saveExperiment } from "@/lib/analysis/experiments";
import { deleteExperiment, ExperimentBusyError, recordDecision, setArchived } from "@/lib/analysis/store";
import { previewExposures, type ExposurePreview } from "@/lib/analysis/exposure-preview";
import { validateExperimentForm, type FieldErrors } from "@/lib/ui/experiment-form";
import { deleteConfirmed, validateDecision } from "@/lib/ui/decision-form";
import { loadCatalog } from "@/lib/metrics/registry";
import { publicMessage } from "@/lib/public-error";
import { currentActor } from "@/app/current-actor";

// The app's write surfaces as server actions (Next checks their origin and body size). Each one
// takes its actor from currentActor(): the role check of issue 11 goes in front of these.

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
  const result = validateExperimentForm(values, [...(await loadCatalog()).metrics.keys()]);
  if (!result.ok) return { errors: result.errors, message: "Some fields need attention." };
  const input = result.input;
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
    await saveExperiment(input);
  } catch (err) {
    return { errors: {}, message: publicMessage(err, "The experiment could not be saved") };
  }
  redirect(`/experiments/${encodeURIComponent(input.id)}`);
}

export type PreviewState = { ok: true; preview: ExposurePreview } | { ok: false; message: string };

/** How many exposures the warehouse holds for the form's exposure table, key and dates, per logged variant (nothing is saved). */
export async function previewExposuresAction(values: { exposureTable: string; experimentKey: string; startDate: string; endDate: string }): Promise<PreviewState> {
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
  try {
    const exp = await getExperiment(experimentId);
    if (!exp) return { ok: false, message: "This experiment no longer exists." };
    const treatments = exp.variants.filter((v) => v.key !== exp.controlVariant).map((v) => v.key);
    const result = validateDecision(values, treatments);
    if (!result.ok) return { ok: false, message: "The decision needs attention.", errors: result.errors };
    await recordDecision(exp.id, { ...result.input, actor: await currentActor() });
    return { ok: true, message: null };
  } catch (err) {
    return { ok: false, message: publicMessage(err, "The decision could not be recorded") };
  }
}

/** Archives or restores an experiment (nothing is deleted). */
export async function setArchivedAction(experimentId: string, archived: boolean): Promise<ActionState> {
  try {
    if (!(await getExperiment(experimentId))) return { ok: false, message: "This experiment no longer exists." };
    await currentActor();
    await setArchived(experimentId, archived === true);
    return { ok: true, message: null };
  } catch (err) {
    return { ok: false, message: publicMessage(err, "The experiment could not be archived") };
  }
}

/** Deletes an experiment and every snapshot and decision of it, once its id is typed again. */
export async function deleteExperimentAction(experimentId: string, typedId: unknown): Promise<ActionState> {
  try {
    if (!deleteConfirmed(experimentId, typedId)) return { ok: false, message: `Type the experiment's id, “${experimentId}”, to delete it.` };
    if (!(await getExperiment(experimentId))) return { ok: false, message: "This experiment no longer exists." };
    await currentActor();
    const snapshots = await deleteExperiment(experimentId);
    return { ok: true, message: `Deleted “${experimentId}” and its ${snapshots} snapshot${snapshots === 1 ? "" : "s"}.` };
  } catch (err) {
    if (err instanceof ExperimentBusyError) return { ok: false, message: err.message };
    return { ok: false, message: publicMessage(err, "The experiment could not be deleted") };
  }
}
