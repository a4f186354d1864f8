import { NextResponse } from "next/server";
import { AccessDenied, requireRole } from "@/lib/auth/authorize";
import { auditCsv } from "@/lib/audit/csv";
import { auditEntries } from "@/lib/audit/log";
import { showAuditEntries } from "@/lib/audit/shown";
import { publicMessage } from "@/lib/public-error";

export const dynamic = "force-dynamic";

/**
 * The audit log as CSV: `?experiment=<id>` for one experiment's entries (whoever may read it),
 * without it every entry (admins).
 */
export async function GET(req: Request) {
  const experimentId = new URL(req.url).searchParams.get("experiment")?.trim() || undefined;
  try {
    await requireRole(experimentId ? "viewer" : "admin", req);
  } catch (err) {
    if (err instanceof AccessDenied) return err.toResponse();
    throw err;
  }
  try {
    const csv = auditCsv(await showAuditEntries(await auditEntries({ experimentId })));
    const name = experimentId ? `audit-${experimentId.replace(/[^a-z0-9-]/gi, "_").slice(0, 64)}.csv` : "audit.csv";
    return new Response(`${csv}\n`, {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
    });
  } catch (err) {
    return NextResponse.json({ error: publicMessage(err, "the audit log could not be exported") }, { status: 500 });
  }
}
