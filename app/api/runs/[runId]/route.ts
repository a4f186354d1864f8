import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/guarded-route";
import { readRunStatus } from "@/lib/jobs/analysis-jobs";
import { publicMessage } from "@/lib/public-error";
import { runIdParam } from "../run-id";

export const dynamic = "force-dynamic";

/** A run's status: queued, running (with the statement and elapsed time), succeeded, failed or cancelled. */
export const GET = guardedRoute<{ params: Promise<{ runId: string }> }>({ role: "viewer" }, async (_req, { params }) => {
  const id = runIdParam((await params).runId);
  if (id === null) return NextResponse.json({ error: "a run id is a positive whole number" }, { status: 400 });
  try {
    const status = await readRunStatus(id);
    if (!status) return NextResponse.json({ error: `no run with id ${id}` }, { status: 404 });
    return NextResponse.json(status, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return NextResponse.json({ error: publicMessage(err, "the run's status could not be read") }, { status: 500 });
  }
});
