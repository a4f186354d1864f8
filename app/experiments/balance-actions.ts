"use server";

import { AccessDenied, requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { recordAudit } from "@/lib/audit/log";
import { chooseBalancedSeed, DEFAULT_CANDIDATE_SEEDS, parseCohortCsv, type BalanceTable, type ParsedCohortResult } from "@/lib/running/balance";
import { assignmentOf, currentPhase, definitionInput } from "@/lib/analysis/phases";
import { getExperiment, saveExperiment } from "@/lib/analysis/store";
import { inputFromStored } from "@/lib/audit/experiment-diff";
import { cohortFromQuery } from "@/lib/running/cohort-query";
import { forgetServedPayload } from "@/lib/running/features";
import { publicMessage } from "@/lib/public-error";

export interface BalanceRequest {
  source: "csv" | "sql";
  csv?: string;
  sql?: string;
  idColumn?: string;
  candidates?: number;
}

export type BalanceOutcome =
  | { ok: true; seed: string; currentSeed: string; candidatesTried: number; subjects: number; before: BalanceTable; after: BalanceTable }
  | { ok: false; message: string; problems: string[] };

async function editor(): Promise<Principal | string> {
  try {
    return await requireRole("editor");
  } catch (err) {
    if (err instanceof AccessDenied) return `Refused: ${err.message}.`;
    throw err;
  }
}

/** Tries K seeds on the cohort and answers the balance before and after (nothing is saved). */
export async function balanceAction(experimentId: string, request: BalanceRequest): Promise<BalanceOutcome> {
  const who = await editor();
  if (typeof who === "string") return { ok: false, message: who, problems: [] };
  const exp = await getExperiment(String(experimentId));
  if (!exp) return { ok: false, message: "This experiment no longer exists.", problems: [] };
  const phase = currentPhase(exp);
  const idColumn = (request.idColumn ?? "").trim() || "id";
  let cohort: ParsedCohortResult;
  try {
    cohort =
      request.source === "sql"
        ? await cohortFromQuery(String(request.sql ?? ""), idColumn)
        : parseCohortCsv(String(request.csv ?? ""), { idColumn });
  } catch (err) {
    return { ok: false, message: publicMessage(err, "The cohort could not be read"), problems: [] };
  }
  if (!cohort.ok) {
    return { ok: false, message: "The cohort needs attention.", problems: cohort.errors.map((e) => `${e.line ? `line ${e.line}${e.column ? `, ${e.column}` : ""}: ` : ""}${e.message}`) };
  }
  const candidates = Number.isInteger(request.candidates) ? Number(request.candidates) : DEFAULT_CANDIDATE_SEEDS;
  try {
    const chosen = chooseBalancedSeed(definitionInput(exp, phase, "running"), cohort.cohort, { candidates });
    return {
      ok: true,
      seed: chosen.seed,
      currentSeed: phase.seed ?? exp.exposureKey ?? exp.id,
      candidatesTried: chosen.candidatesTried,
      subjects: cohort.cohort.subjects.length,
      before: chosen.before,
      after: chosen.after,
    };
  } catch (err) {
    return { ok: false, message: err instanceof RangeError || (err as Error).message.startsWith("no candidate split") ? (err as Error).message : publicMessage(err, "The seeds could not be tried"), problems: [] };
  }
}

/** Saves the chosen seed as the current phase's (an experiment that served traffic starts a new phase). */
export async function applyBalancedSeedAction(experimentId: string, seed: string): Promise<{ ok: boolean; message: string }> {
  const who = await editor();
  if (typeof who === "string") return { ok: false, message: who };
  const exp = await getExperiment(String(experimentId));
  if (!exp) return { ok: false, message: "This experiment no longer exists." };
  const text = String(seed ?? "").trim();
  if (text === "" || text.length > 200) return { ok: false, message: "Not saved: the seed must be 1 to 200 characters." };
  try {
    const phase = currentPhase(exp);
    const change = await saveExperiment({ ...inputFromStored(exp), assignment: { ...assignmentOf(phase), seed: text } });
    forgetServedPayload();
    const started = change.kind === "new" ? ` Phase ${change.phase.number} started today.` : "";
    await recordAudit(who, { action: "edited", targetType: "experiment", targetId: exp.id, experimentId: exp.id, summary: `balanced assignment: seed “${text}”${started ? `; phase ${change.phase.number} started` : ""}` });
    return { ok: true, message: `Seed “${text}” saved.${started}` };
  } catch (err) {
    return { ok: false, message: publicMessage(err, "The seed could not be saved") };
  }
}
