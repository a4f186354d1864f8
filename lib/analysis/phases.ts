// An experiment's assignment phases (issue 13, petri-dish's stages). The current phase is what the
// SDK payload serves; a change of who-gets-what (variations, weights, coverage, seed, hash
// attribute, namespace, condition) to an experiment that has served traffic starts a new phase on
// the day of the change, and the previous one ends the day before. Phases are days: users exposed
// on the day of a change are counted in the new phase. No I/O here; store.ts writes what this plans.
import { addDays, format, parseISO } from "date-fns";
import { changedAssignmentFields } from "@/lib/assignment/phase-change";
import { experimentDefinition, type ExperimentDefinition, type ExperimentDefinitionInput } from "@/lib/assignment/definition";
import { parseCondition, type Condition } from "@/lib/assignment/condition-schema";

export interface AssignmentSettings {
  /** share of eligible users that take part, 0–1 */
  coverage: number;
  /** the attribute the SDK hashes (the user id by default) */
  hashAttribute: string;
  /** hashing seed; null = the experiment's key */
  seed: string | null;
  /** [namespace id, start, end): running experiments of one namespace never share a user */
  namespace: [string, number, number] | null;
  /** targeting condition; null = everyone */
  condition: Condition | null;
}

export const DEFAULT_ASSIGNMENT: AssignmentSettings = { coverage: 1, hashAttribute: "id", seed: null, namespace: null, condition: null };

export interface Phase extends AssignmentSettings {
  number: number;
  startDate: string;
  /** null for the current phase */
  endDate: string | null;
  /** variation keys in payload order (the control first) */
  variants: string[];
  /** each variation's share (adds up to 1), same order */
  weights: number[];
  /** what started it ("" for the first phase) */
  reason: string;
}

/** The stored row of a phase (ExperimentPhase). */
export interface PhaseRow {
  number: number;
  startDate: string;
  endDate: string | null;
  variants: string;
  weights: string;
  coverage: number;
  hashAttribute: string;
  seed: string | null;
  namespace: string | null;
  condition: string;
  reason: string;
}

/** What a phase needs to know about its experiment. */
export interface PhaseExperiment {
  id: string;
  name: string;
  status: string;
  startDate: string;
  endDate: string | null;
  exposureKey: string | null;
  controlVariant: string;
  variants: { key: string; name: string; weight: number }[];
  phases?: PhaseRow[];
}

const json = <T>(text: string | null, fallback: T): T => {
  if (text === null || text.trim() === "") return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export function phaseFromRow(row: PhaseRow): Phase {
  return {
    number: row.number,
    startDate: row.startDate,
    endDate: row.endDate,
    variants: json<string[]>(row.variants, []),
    weights: json<number[]>(row.weights, []),
    coverage: row.coverage,
    hashAttribute: row.hashAttribute,
    seed: row.seed,
    namespace: json<[string, number, number] | null>(row.namespace, null),
    condition: json<Condition | null>(row.condition, null),
    reason: row.reason,
  };
}

export function phaseToRow(p: Phase): PhaseRow {
  return {
    number: p.number,
    startDate: p.startDate,
    endDate: p.endDate,
    variants: JSON.stringify(p.variants),
    weights: JSON.stringify(p.weights),
    coverage: p.coverage,
    hashAttribute: p.hashAttribute,
    seed: p.seed,
    namespace: p.namespace ? JSON.stringify(p.namespace) : null,
    condition: p.condition && Object.keys(p.condition).length > 0 ? JSON.stringify(p.condition) : "",
    reason: p.reason,
  };
}

/** The variations in payload order (the control first: GrowthBook serves variation 0 to everybody left out) and their shares. */
export function variationOrder(variants: readonly { key: string; weight: number }[], control: string): { variants: string[]; weights: number[] } {
  const ordered = [...variants.filter((v) => v.key === control), ...variants.filter((v) => v.key !== control)];
  const total = ordered.reduce((a, v) => a + v.weight, 0);
  return { variants: ordered.map((v) => v.key), weights: ordered.map((v) => (total > 0 ? v.weight / total : 1 / ordered.length)) };
}

/** The phases of an experiment, oldest first; one that has none stored (made before phases) has an implicit phase 0. */
export function phasesOf(exp: PhaseExperiment): Phase[] {
  const stored = (exp.phases ?? []).map(phaseFromRow).sort((a, b) => a.number - b.number);
  if (stored.length > 0) return stored;
  return [{ number: 0, startDate: exp.startDate, endDate: null, ...variationOrder(exp.variants, exp.controlVariant), ...DEFAULT_ASSIGNMENT, reason: "" }];
}

export function currentPhase(exp: PhaseExperiment): Phase {
  return phasesOf(exp).at(-1)!;
}

/** The SDK's experiment key: the experiment_id its exposures carry. */
export const trackingKey = (exp: Pick<PhaseExperiment, "id" | "exposureKey">) => exp.exposureKey ?? exp.id;

/** The experiment in one phase as the assignment library takes it. */
export function definitionInput(exp: PhaseExperiment, phase: Phase, status: string = exp.status): ExperimentDefinitionInput {
  const names = new Map(exp.variants.map((v) => [v.key, v.name]));
  const d: ExperimentDefinitionInput = {
    key: trackingKey(exp),
    name: exp.name,
    status: (status === "running" || status === "stopped" ? status : "draft") as ExperimentDefinitionInput["status"],
    variations: phase.variants.map((key) => ({ key, name: names.get(key) ?? key })),
    weights: phase.weights,
    coverage: phase.coverage,
    hashAttribute: phase.hashAttribute,
    phase: phase.number,
  };
  if (phase.seed !== null) d.seed = phase.seed;
  if (phase.namespace) d.namespace = phase.namespace;
  if (phase.condition && Object.keys(phase.condition).length > 0) d.condition = phase.condition;
  return d;
}

/** Problems that keep an experiment's phase out of the SDK payload ("" path = the whole definition). */
export function definitionProblems(input: ExperimentDefinitionInput): { path: string; message: string }[] {
  const parsed = experimentDefinition.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

const dayBefore = (date: string) => format(addDays(parseISO(date), -1), "yyyy-MM-dd");

export type PhaseChange =
  /** the experiment's first phase */
  | { kind: "create"; phase: Phase }
  /** the current phase, changed in place (no traffic yet, or only its start date moved) */
  | { kind: "update"; phase: Phase }
  /** the current phase ends the day before today; a new one starts today */
  | { kind: "new"; close: { number: number; endDate: string }; phase: Phase; changed: string[] };

export interface PhaseInput {
  id: string;
  name: string;
  status: string;
  startDate: string;
  exposureKey?: string | null;
  controlVariant: string;
  variants: { key: string; name: string; weight: number }[];
  /** absent: the current phase's settings stay */
  assignment?: AssignmentSettings;
}

const parsed = (d: ExperimentDefinitionInput): ExperimentDefinition | null => {
  const r = experimentDefinition.safeParse({ ...d, status: "running" });
  return r.success ? (r.data as ExperimentDefinition) : null;
};

/**
 * What saving `input` does to the phases of `before` (null: a new experiment). A change to the
 * assignment of an experiment that has served traffic (its status was running or stopped) starts
 * a new phase today; a draft's phase is changed in place. Phase 0 starts with the experiment.
 */
export function planPhaseChange(before: PhaseExperiment | null, input: PhaseInput, today: string): PhaseChange {
  const previous = before ? phasesOf(before) : [];
  const current = previous.at(-1);
  const settings = input.assignment ?? (current ? pickSettings(current) : DEFAULT_ASSIGNMENT);
  const next = (number: number, startDate: string, reason: string): Phase => ({
    number,
    startDate,
    endDate: null,
    ...variationOrder(input.variants, input.controlVariant),
    ...settings,
    reason,
  });
  if (!before || !current) return { kind: "create", phase: next(0, input.startDate, "") };
  const exp = { id: input.id, name: input.name, status: input.status, startDate: input.startDate, endDate: null, exposureKey: input.exposureKey ?? null, controlVariant: input.controlVariant, variants: input.variants };
  const candidate = next(current.number, current.number === 0 ? input.startDate : current.startDate, current.reason);
  const a = parsed(definitionInput({ ...before, phases: undefined }, current));
  const b = parsed(definitionInput(exp, candidate));
  // a definition the SDK would refuse (kept out of the payload) is compared field by field
  const shape = (p: Phase) => JSON.stringify({ v: p.variants, w: p.weights.map((w) => Math.round(w * 1e9)), s: pickSettings(p) });
  const changed = a && b ? changedAssignmentFields(a, b) : shape(current) === shape(candidate) ? [] : ["assignment"];
  const served = before.status === "running" || before.status === "stopped";
  if (changed.length === 0 || !served) return { kind: "update", phase: candidate };
  return {
    kind: "new",
    close: { number: current.number, endDate: dayBefore(today) },
    phase: next(current.number + 1, today, `${changed.join(", ")} changed`),
    changed,
  };
}

function pickSettings(p: Phase): AssignmentSettings {
  return { coverage: p.coverage, hashAttribute: p.hashAttribute, seed: p.seed, namespace: p.namespace, condition: p.condition };
}

export { pickSettings as assignmentOf };

/** A phase's own dates for an analysis: its start to its end (or the experiment's end, or today). */
export function phaseDates(exp: Pick<PhaseExperiment, "endDate">, phase: Phase, today: string): { startDate: string; endDate: string } {
  const end = phase.endDate ?? exp.endDate ?? today;
  return { startDate: phase.startDate, endDate: end };
}

/** Which phase an analysis covers: one by number, or all of them (the experiment's whole dates). */
export type PhaseChoice = number | "all";

/** "2", "all" (as typed on the command line or in a URL) → the choice; null when it is neither. */
export function parsePhaseChoice(text: string | null | undefined): PhaseChoice | null {
  if (text === null || text === undefined) return null;
  const t = text.trim().toLowerCase();
  if (t === "all") return "all";
  return /^\d{1,4}$/.test(t) ? Number(t) : null;
}

/** The condition as stored ("" = none), validated; null for none. */
export function storedCondition(text: string): Condition | null {
  if (text.trim() === "") return null;
  const r = parseCondition(json<unknown>(text, null));
  return r.ok && Object.keys(r.condition).length > 0 ? r.condition : null;
}

/** The run labels that cover the same dates as `choice` (the current phase when absent). */
export function phaseLabelsFor(exp: PhaseExperiment, choice: PhaseChoice | undefined): string[] {
  const phases = phasesOf(exp);
  const label = choice === undefined ? String(phases.at(-1)!.number) : String(choice);
  return phases.length === 1 && (label === "0" || label === "all") ? ["0", "all"] : [label];
}

/** The planned split the SRM check compares with: the analysed phase's weights (the variants' own for all phases). */
export function analysedWeights(exp: PhaseExperiment, phase: string | undefined): { key: string; weight: number }[] {
  const own = exp.variants.map((v) => ({ key: v.key, weight: v.weight }));
  const phases = phasesOf(exp);
  // one phase is the experiment as it is: its variants' own weights
  const p = phase === undefined || phase === "all" || phases.length < 2 ? undefined : phases.find((x) => String(x.number) === phase);
  if (!p || p.variants.length === 0) return own;
  const share = new Map(p.variants.map((k, i) => [k, p.weights[i] ?? 0]));
  return own.map((v) => ({ key: v.key, weight: share.get(v.key) ?? 0 }));
}
