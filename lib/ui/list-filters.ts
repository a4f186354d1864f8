// The experiment list's search and filters: parsed from the URL (a shared link keeps them), applied
// to the list's rows. Pure.
import { z } from "zod";
import type { DecisionStatus } from "./decision";

export const RECORDED_FILTERS = ["ship", "rollback", "none", "unrecorded"] as const;
export type RecordedFilter = (typeof RECORDED_FILTERS)[number];

export interface ListFilters {
  /** free text: name, id, owner, hypothesis */
  q: string;
  status: DecisionStatus | null;
  owner: string | null;
  /** the team's recorded decision */
  decision: RecordedFilter | null;
  /** include archived experiments */
  archived: boolean;
}

export const DEFAULT_FILTERS: ListFilters = { q: "", status: null, owner: null, decision: null, archived: false };

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const schema = z.object({
  q: z.string().trim().max(200).catch(""),
  status: z.enum(["ship", "dont-ship", "keep-running", "unreliable", "waiting", "not-analysed"]).nullable().catch(null),
  owner: z.string().trim().min(1).max(120).nullable().catch(null),
  decision: z.enum(RECORDED_FILTERS).nullable().catch(null),
  archived: z.enum(["0", "1"]).transform((v) => v === "1").catch(false),
});

export function filtersFromParams(params: Params): ListFilters {
  return schema.parse({
    q: first(params.q) ?? "",
    status: first(params.status) || null,
    owner: first(params.owner) || null,
    decision: first(params.decision) || null,
    archived: first(params.archived) ?? "0",
  });
}

export function searchFromFilters(f: ListFilters): URLSearchParams {
  const s = new URLSearchParams();
  if (f.q) s.set("q", f.q);
  if (f.status) s.set("status", f.status);
  if (f.owner) s.set("owner", f.owner);
  if (f.decision) s.set("decision", f.decision);
  if (f.archived) s.set("archived", "1");
  return s;
}

export interface Filterable {
  id: string;
  name: string;
  owner: string;
  hypothesis: string;
  archived: boolean;
  decision: { status: DecisionStatus };
  recorded: { decision: string } | null;
}

export function applyFilters<T extends Filterable>(items: readonly T[], f: ListFilters): T[] {
  const q = f.q.toLowerCase();
  return items.filter(
    (e) =>
      (f.archived || !e.archived) &&
      (!q || [e.name, e.id, e.owner, e.hypothesis].some((s) => s.toLowerCase().includes(q))) &&
      (!f.status || e.decision.status === f.status) &&
      (!f.owner || e.owner === f.owner) &&
      (!f.decision || (f.decision === "unrecorded" ? e.recorded === null : e.recorded?.decision === f.decision)),
  );
}
