import { NextResponse } from "next/server";
import { routeParam } from "@/app/route-param";
import { AnalysisInProgressError, ExperimentNotFoundError } from "@/lib/analysis/run-analysis";
import { principalKey } from "@/lib/auth/principal";
import { guardedRoute } from "@/lib/http/guarded-route";
import { clientAddress, consumeRate } from "@/lib/http/rate-limit";
import { NO_BODY } from "@/lib/http/write-guard";
import { activeRun, enqueueAnalysis, runStatus } from "@/lib/jobs/analysis-jobs";
import { publicMessage } from "@/lib/public-error";
import { parsePhaseChoice } from "@/lib/analysis/phases";

export const dynamic = "force-dynamic";

/**
 * Starts a new analysis in the background: 202 at once with the run (its snapshot id) and where
 * to follow it (GET /api/runs/<id>) or cancel it (POST /api/runs/<id>/cancel). Editors and write keys.
 */
export const POST = guardedRoute<{ params: Promise<{ id: string }> }>({ role: "editor", write: NO_BODY }, async (req, { params }, who) => {
  const id = routeParam((await params).id);
  // ?phase=N|all: one assignment phase or all of them (issue 13); the current one by default
  const phaseText = new URL(req.url).searchParams.get("phase");
  const phase = phaseText === null ? undefined : parsePhaseChoice(phaseText);
  if (phase === null) return NextResponse.json({ error: `phase must be a phase number (0, 1, …) or all (got "${String(phaseText).slice(0, 40)}")` }, { status: 400 });
  const limited = await consumeRate("analyses", principalKey(who, clientAddress(req.headers)));
  if (limited) return limited;
  try {
    const run = await enqueueAnalysis(id, { reason: "refresh", actor: who, phase });
    return NextResponse.json(
      { runId: run.id, snapshotId: run.id, ...runStatus(run), statusUrl: `/api/runs/${run.id}`, cancelUrl: `/api/runs/${run.id}/cancel` },
      { status: 202, headers: { location: `/api/runs/${run.id}` } },
    );
  } catch (err) {
    if (err instanceof ExperimentNotFoundError) return NextResponse.json({ error: err.message }, { status: 404 });
    // the run under way, so a page can follow it instead
    if (err instanceof AnalysisInProgressError) return NextResponse.json({ error: err.message, active: await activeRun(id).catch(() => null) }, { status: 409 });
    return NextResponse.json({ error: publicMessage(err, "the analysis could not be started") }, { status: 500 });
  }
});
