import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/guarded-route";
import { NO_BODY } from "@/lib/http/write-guard";
import { cancelAnalysis, runStatus } from "@/lib/jobs/analysis-jobs";
import { publicMessage } from "@/lib/public-error";
import { runIdParam } from "../../run-id";

export const dynamic = "force-dynamic";

/**
 * Cancels a queued or running analysis (the warehouse stops its work); 202 with the run's status
 * (it turns "cancelled" once the warehouse has stopped), 409 when it had already finished.
 */
export const POST = guardedRoute<{ params: Promise<{ runId: string }> }>({ role: "editor", write: NO_BODY }, async (_req, { params }, who) => {
  const id = runIdParam((await params).runId);
  if (id === null) return NextResponse.json({ error: "a run id is a positive whole number" }, { status: 400 });
  try {
    const outcome = await cancelAnalysis(id, who);
    if (!outcome) return NextResponse.json({ error: `no run with id ${id}` }, { status: 404 });
    if (!outcome.changed) return NextResponse.json({ ...runStatus(outcome.run), error: `run ${id} has already finished (${outcome.run.status})` }, { status: 409 });
    return NextResponse.json(runStatus(outcome.run), { status: 202 });
  } catch (err) {
    return NextResponse.json({ error: publicMessage(err, "the run could not be cancelled") }, { status: 500 });
  }
});
