import { NextResponse } from "next/server";
import { routeParam } from "@/app/route-param";
import { experimentIdSchema } from "@/lib/analysis/experiment-rules";
import { getExperiment } from "@/lib/analysis/store";
import { loadResultsDocument } from "@/lib/analysis/results-document";
import { CountsRefusedError, latestCounts, saveCounts } from "@/lib/counts/store";
import { guardedRoute } from "@/lib/http/guarded-route";
import { publicMessage } from "@/lib/public-error";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

/** The counts last entered for a counts experiment, as given. */
export const GET = guardedRoute<Ctx>({ role: "viewer" }, async (_req, { params }) => {
  const id = routeParam((await params).id);
  const counts = await latestCounts(id);
  if (!counts) return NextResponse.json({ error: `no counts for "${id}"` }, { status: 404 });
  return NextResponse.json(counts);
});

/**
 * Per-variant counts (users and conversions, or n, mean and sd, per metric) for a counts
 * experiment, made when the id is new: analysed at once by the stats engine; answers the results.
 */
export const POST = guardedRoute<Ctx>({ role: "editor", write: { maxBodyBytes: 256 * 1024 } }, async (req, { params }, who) => {
  const id = routeParam((await params).id);
  if (!experimentIdSchema.safeParse(id).success) return NextResponse.json({ error: `"${id.slice(0, 80)}" is not an experiment id (lower-case letters, digits and dashes)` }, { status: 400 });
  let body: unknown;
  try {
    body = await req.json();
  } catch (err) {
    return NextResponse.json({ error: `the body is not JSON: ${(err as Error).message}` }, { status: 400 });
  }
  try {
    const saved = await saveCounts(id, body, who);
    if (!saved.ok) return NextResponse.json({ error: "the counts need attention", problems: saved.errors }, { status: 400 });
    const doc = await loadResultsDocument((await getExperiment(id))!);
    return NextResponse.json({ snapshotId: saved.snapshotId, ...doc }, { status: saved.created ? 201 : 200 });
  } catch (err) {
    if (err instanceof CountsRefusedError) return NextResponse.json({ error: err.message }, { status: err.status });
    return NextResponse.json({ error: publicMessage(err, "the counts could not be saved") }, { status: 500 });
  }
});
