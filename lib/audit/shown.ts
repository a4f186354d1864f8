import { prisma } from "@/lib/db";
import type { AuditRow } from "./log";
import { showAuditEntry, type ShownAuditEntry } from "./run-names";

export type { ShownAuditEntry } from "./run-names";

/** Entries as shown, with the numbers of their runs looked up (one query per 500 runs). */
export async function showAuditEntries(rows: AuditRow[]): Promise<ShownAuditEntry[]> {
  const ids = [...new Set(rows.filter((r) => r.targetType === "run" && /^\d+$/.test(r.targetId)).map((r) => Number(r.targetId)))];
  const numbers = new Map<number, number | null>();
  // the export holds every entry: ask in slices a database's bound-parameter limit allows
  for (let i = 0; i < ids.length; i += 500) {
    const runs = await prisma.snapshot.findMany({ where: { id: { in: ids.slice(i, i + 500) } }, select: { id: true, number: true } });
    for (const r of runs) numbers.set(r.id, r.number);
  }
  return rows.map((r) => showAuditEntry(r, numbers));
}
