import type { ExperimentInput, ExperimentWithParts } from "@/lib/analysis/experiments";

// A field-level summary of an experiment edit, for the audit log: "status: draft → running;
// variant treatment weight: 1 → 2; metric revenue added (guardrail)".

export function inputFromStored(e: ExperimentWithParts): ExperimentInput {
  let segments: string[] = [];
  try {
    const parsed = JSON.parse(e.segments) as unknown;
    if (Array.isArray(parsed)) segments = parsed.map(String);
  } catch {
    // shown as it was stored
  }
  return {
    id: e.id,
    name: e.name,
    hypothesis: e.hypothesis,
    owner: e.owner,
    status: e.status as ExperimentInput["status"],
    startDate: e.startDate,
    endDate: e.endDate,
    exposureSource: e.exposureSource,
    exposureKey: e.exposureKey,
    controlVariant: e.controlVariant,
    windowDays: e.windowDays,
    segments,
    variants: e.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight })),
    metrics: e.metrics.map((m) => ({ key: m.metricKey, role: m.role as ExperimentInput["metrics"][number]["role"] })),
  };
}

function shown(v: unknown): string {
  if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return "—";
  if (typeof v === "number") return String(v);
  const line = (Array.isArray(v) ? v.join(", ") : String(v)).replace(/\s+/g, " ");
  return `“${line.length > 80 ? `${line.slice(0, 79)}…` : line}”`;
}

const FIELDS: (keyof ExperimentInput)[] = [
  "name",
  "hypothesis",
  "owner",
  "status",
  "startDate",
  "endDate",
  "exposureSource",
  "exposureKey",
  "controlVariant",
  "windowDays",
  "segments",
];

/** What changed from `before` to `after`, field by field; "no changes" when nothing did. */
export function experimentDiff(before: ExperimentInput, after: ExperimentInput): string {
  const changes: string[] = [];
  for (const f of FIELDS) {
    const a = before[f] ?? null;
    const b = after[f] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push(`${f}: ${shown(a)} → ${shown(b)}`);
  }
  const oldVariants = new Map(before.variants.map((v) => [v.key, v]));
  const newVariants = new Map(after.variants.map((v) => [v.key, v]));
  for (const [key, v] of newVariants) {
    const old = oldVariants.get(key);
    if (!old) changes.push(`variant ${key} added (weight ${v.weight})`);
    else {
      if (old.name !== v.name) changes.push(`variant ${key} name: ${shown(old.name)} → ${shown(v.name)}`);
      if (old.weight !== v.weight) changes.push(`variant ${key} weight: ${old.weight} → ${v.weight}`);
    }
  }
  for (const key of oldVariants.keys()) if (!newVariants.has(key)) changes.push(`variant ${key} removed`);
  const oldMetrics = new Map(before.metrics.map((m) => [m.key, m.role]));
  const newMetrics = new Map(after.metrics.map((m) => [m.key, m.role]));
  for (const [key, role] of newMetrics) {
    const old = oldMetrics.get(key);
    if (old === undefined) changes.push(`metric ${key} added (${role})`);
    else if (old !== role) changes.push(`metric ${key} role: ${old} → ${role}`);
  }
  for (const key of oldMetrics.keys()) if (!newMetrics.has(key)) changes.push(`metric ${key} removed`);
  return changes.length ? changes.join("; ") : "no changes";
}

/** The one-line summary of a new experiment. */
export function experimentCreatedSummary(e: ExperimentInput): string {
  return `“${e.name}”: ${e.variants.length} variants (${e.variants.map((v) => v.key).join(", ")}), ${e.metrics.length} metrics, ${e.startDate} → ${e.endDate ?? "ongoing"}, ${e.status}`;
}
