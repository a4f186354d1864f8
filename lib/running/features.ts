// The SDK payload of the app's experiments (GET /api/features/<client-key>, POST /api/assign, the
// simulator): every warehouse experiment that has served or serves traffic, in its current phase.
// An experiment whose definition the SDK would not take, or whose namespace range overlaps one
// served before it, is left out (with the reason) rather than break the payload for everybody.
import { listExperiments, type ExperimentWithParts } from "@/lib/analysis/store";
import { currentPhase, definitionInput } from "@/lib/analysis/phases";
import { buildFeaturesPayload, parseExperimentDefinitions, type ExperimentDefinitionInput, type FeaturesPayload } from "@/lib/assignment";

export interface ServedPayload {
  payload: FeaturesPayload;
  /** experiment id → why it is not in the payload */
  leftOut: Map<string, string>;
}

/** What the SDK is told about an experiment today: running between its dates, else stopped (the control for all), or nothing (drafts). */
export function servedStatus(exp: Pick<ExperimentWithParts, "status" | "startDate" | "endDate">, today: string): "running" | "stopped" | "draft" {
  if (exp.status === "draft") return "draft";
  if (exp.status !== "running") return "stopped";
  return exp.startDate <= today && (exp.endDate === null || today <= exp.endDate) ? "running" : "stopped";
}

/** The payload for `experiments` on `today` (pure: the route reads the experiments). */
export function payloadFor(experiments: readonly ExperimentWithParts[], today: string): ServedPayload {
  const leftOut = new Map<string, string>();
  let candidates: { id: string; input: ExperimentDefinitionInput }[] = [];
  for (const exp of experiments) {
    if (exp.dataSource !== "warehouse") continue;
    const status = servedStatus(exp, today);
    if (status === "draft") continue;
    candidates.push({ id: exp.id, input: definitionInput(exp, currentPhase(exp), status) });
  }
  // drop what the SDK refuses, one problem at a time (the first experiment of an overlap stays)
  for (;;) {
    const parsed = parseExperimentDefinitions(candidates.map((c) => c.input));
    if (parsed.ok) break;
    const first = parsed.errors[0]!;
    const index = Number(/^experiments\[(\d+)\]/.exec(first.path)?.[1] ?? -1);
    if (index < 0 || index >= candidates.length) break;
    leftOut.set(candidates[index]!.id, `${first.path.replace(/^experiments\[\d+\]( \([^)]*\))?\.?/, "") || "definition"}: ${first.message}`);
    candidates = candidates.filter((_, i) => i !== index);
  }
  return { payload: buildFeaturesPayload(candidates.map((c) => c.input)), leftOut };
}

const CACHE_MS = 1000;
const slot = globalThis as typeof globalThis & { __servedPayload?: { at: number; today: string; value: Promise<ServedPayload> } };

/** The payload as served now; rebuilt at most once a second (every client polls it). */
export function servedPayload(now = Date.now()): Promise<ServedPayload> {
  const today = new Date(now).toISOString().slice(0, 10);
  const cached = slot.__servedPayload;
  if (cached && cached.today === today && now - cached.at < CACHE_MS) return cached.value;
  const value = listExperiments().then((rows) => payloadFor(rows, today));
  slot.__servedPayload = { at: now, today, value };
  value.catch(() => {
    if (slot.__servedPayload?.value === value) slot.__servedPayload = undefined;
  });
  return value;
}

/** A saved experiment is served at once by this process. */
export function forgetServedPayload(): void {
  slot.__servedPayload = undefined;
}
