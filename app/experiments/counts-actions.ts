"use server";

import { redirect } from "next/navigation";
import { AccessDenied, requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { experimentIdSchema, ID_MESSAGE } from "@/lib/analysis/experiment-rules";
import { getExperiment } from "@/lib/analysis/store";
import type { CountsError } from "@/lib/counts/counts";
import { CountsRefusedError, saveCounts } from "@/lib/counts/store";
import { publicMessage } from "@/lib/public-error";

export interface CountsSaveState {
  problems: CountsError[];
  message: string | null;
}

/** Saves counts typed into the form (mode "create": the id must be new); opens the experiment's page. */
export async function saveCountsAction(mode: "create" | "edit", id: unknown, counts: unknown): Promise<CountsSaveState> {
  let who: Principal;
  try {
    who = await requireRole("editor");
  } catch (err) {
    if (err instanceof AccessDenied) return { problems: [], message: `Not saved: ${err.message}.` };
    throw err;
  }
  const experimentId = typeof id === "string" ? id.trim() : "";
  if (!experimentIdSchema.safeParse(experimentId).success) return { problems: [{ path: "id", message: ID_MESSAGE }], message: "Some counts need attention." };
  try {
    if (mode === "create" && (await getExperiment(experimentId))) {
      return { problems: [{ path: "id", message: `An experiment with the id “${experimentId}” already exists` }], message: "Some counts need attention." };
    }
    const saved = await saveCounts(experimentId, counts, who);
    if (!saved.ok) return { problems: saved.errors, message: "Some counts need attention." };
  } catch (err) {
    if (err instanceof CountsRefusedError) return { problems: [], message: `Not saved: ${err.message}.` };
    return { problems: [], message: publicMessage(err, "The counts could not be saved") };
  }
  redirect(`/experiments/${encodeURIComponent(experimentId)}`);
}
