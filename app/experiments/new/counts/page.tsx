import Link from "next/link";
import { requirePageRole } from "@/lib/auth/page-access";
import { emptyCountsForm } from "@/lib/ui/counts-form";
import { CountsEditor } from "../../counts-editor";

export const dynamic = "force-dynamic";
export const metadata = { title: "New experiment from counts · Experiment results" };

export default async function NewCountsPage() {
  await requirePageRole("editor", "/experiments/new/counts");
  return (
    <article>
      <p className="muted breadcrumb">
        <Link href="/experiments">Experiments</Link> / new from counts
      </p>
      <h1>New experiment from counts</h1>
      <p className="muted">
        For an experiment run elsewhere: type each variant&apos;s users and, per metric, its conversions or its n, mean and standard deviation. The
        same engine analyses them (sample ratio check, lifts, intervals, the Bayesian view); nothing is read from the warehouse. Scripts can post
        the same counts to <code>POST /api/experiments/&lt;id&gt;/counts</code>.
      </p>
      <CountsEditor mode="create" initial={emptyCountsForm()} />
    </article>
  );
}
