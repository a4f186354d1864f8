import { prisma } from "@/lib/db";
import { publicMessage } from "@/lib/public-error";
import { actorFields, type Actor } from "./actor";

// The audit log: who created, edited, analysed, cancelled, decided or deleted what, and when.
// An entry is written after the change it describes; a failure to write it is logged (with a
// reference) but does not undo or fail the change itself.

export const AUDIT_ACTIONS = [
  "created",
  "edited",
  "analysed",
  "cancelled",
  "decided",
  "archived",
  "restored",
  "deleted",
  "role-changed",
  "password-reset",
  "key-created",
  "key-revoked",
  "webhook-created",
  "webhook-deleted",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  targetType: "experiment" | "run" | "user" | "key" | "webhook";
  targetId: string;
  experimentId?: string | null;
  /** what changed, in a sentence or a field-level diff */
  summary?: string;
}

export type AuditRow = NonNullable<Awaited<ReturnType<typeof prisma.auditEvent.findFirst>>>;

const MAX_SUMMARY = 4000;

export async function recordAudit(actor: Actor, entry: AuditEntry): Promise<void> {
  try {
    await prisma.auditEvent.create({
      data: {
        ...actorFields(actor),
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        experimentId: entry.experimentId ?? null,
        summary: (entry.summary ?? "").slice(0, MAX_SUMMARY),
      },
    });
  } catch (err) {
    publicMessage(err, `the audit entry (${entry.action} ${entry.targetType} ${entry.targetId}) could not be written`);
  }
}

export interface AuditQuery {
  experimentId?: string;
  take?: number;
}

/** Newest first; one experiment's entries, or every entry. */
export async function auditEntries(q: AuditQuery = {}): Promise<AuditRow[]> {
  return prisma.auditEvent.findMany({
    where: q.experimentId ? { experimentId: q.experimentId } : {},
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: q.take,
  });
}
