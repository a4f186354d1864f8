import { NextResponse } from "next/server";
import { routeParam } from "@/app/route-param";
import { AnalysisInProgressError, ExperimentNotFoundError, runAnalysis } from "@/lib/analysis/run-analysis";

export const dynamic = "force-dynamic";

/** Runs a new analysis (a new snapshot). 200 with the snapshot's status; failures carry the warehouse's message. */
export async function POST(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = routeParam((await params).id);
  try {
    const s = await runAnalysis(id);
    return NextResponse.json(
      { snapshotId: s.id, status: s.status, error: s.error, durationMs: s.durationMs },
      { status: s.status === "succeeded" ? 200 : 502 },
    );
  } catch (err) {
    if (err instanceof ExperimentNotFoundError) return NextResponse.json({ error: err.message }, { status: 404 });
    if (err instanceof AnalysisInProgressError) return NextResponse.json({ error: err.message }, { status: 409 });
    console.error(err);
    return NextResponse.json({ error: "the analysis could not be started; see the server log" }, { status: 500 });
  }
}
