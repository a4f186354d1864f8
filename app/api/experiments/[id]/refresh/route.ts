import { NextResponse } from "next/server";
import { routeParam } from "@/app/route-param";
import { NO_BODY, refuseUnsafeWrite } from "@/lib/http/write-guard";
import { AnalysisInProgressError, ExperimentNotFoundError, runAnalysis } from "@/lib/analysis/run-analysis";
import { publicMessage, scrubInternals } from "@/lib/public-error";

export const dynamic = "force-dynamic";

/** Runs a new analysis (a new snapshot, #n of the experiment). 200 with the snapshot's status; failures carry the warehouse's message. */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const refused = await refuseUnsafeWrite(req, NO_BODY);
  if (refused) return refused;
  const id = routeParam((await params).id);
  try {
    const s = await runAnalysis(id);
    return NextResponse.json(
      { snapshotId: s.id, snapshotNumber: s.number, status: s.status, error: s.error === null ? null : scrubInternals(s.error), durationMs: s.durationMs },
      { status: s.status === "succeeded" ? 200 : 502 },
    );
  } catch (err) {
    if (err instanceof ExperimentNotFoundError) return NextResponse.json({ error: err.message }, { status: 404 });
    if (err instanceof AnalysisInProgressError) return NextResponse.json({ error: err.message }, { status: 409 });
    return NextResponse.json({ error: publicMessage(err, "the analysis could not be started") }, { status: 500 });
  }
}
