import Link from "next/link";
import { ActivityLog } from "@/app/experiments/[id]/activity-log";
import { auditEntries } from "@/lib/audit/log";
import { showAuditEntries } from "@/lib/audit/shown";
import { requirePageRole } from "@/lib/auth/page-access";

export const dynamic = "force-dynamic";
export const metadata = { title: "Audit log · Experiment results" };

const SHOWN = 500;

export default async function AuditPage() {
  await requirePageRole("admin", "/admin/audit");
  const entries = await showAuditEntries(await auditEntries({ take: SHOWN }));
  return (
    <article>
      <p className="muted breadcrumb">
        <Link href="/admin">Admin</Link> / audit log
      </p>
      <div className="title-row">
        <h1>Audit log</h1>
        <a className="button" href="/api/audit" download>
          Export all (CSV)
        </a>
      </div>
      <p className="muted small">The newest {SHOWN} entries; the CSV has every one.</p>
      <ActivityLog entries={entries} showExperiment />
    </article>
  );
}
