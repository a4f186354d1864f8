import { NextResponse } from "next/server";
import { getExperiment } from "@/lib/analysis/experiments";
import { displayFromParams, paramsFromSearch, viewFromParams, viewNotes } from "@/lib/ui/view-params";
import { allRows } from "@/lib/ui/results-view";
import { decide } from "@/lib/ui/decision";
import { loadResultsDocument } from "@/lib/analysis/results-document";
import { routeParam } from "@/app/route-param";
import { guardedRoute } from "@/lib/http/guarded-route";
import { publicMessage } from "@/lib/public-error";
import { parsePhaseChoice } from "@/lib/analysis/phases";

export const dynamic = "force-dynamic";

/**
 * Every number of the dashboard for the view in the query string (alpha, correction, sequential,
 * cuped, mode, segment; display options are echoed): the results document (with `health` and
 * `segmentTables`), `decision` (the status, its reasons, best arm and power, as the page's
 * headline), `rows`, one per metric and treatment variant with the verdict and the
 * direction-aware chance to win the page shows, and `viewNotes`: why a parameter was not used as
 * given (e.g. an alpha outside [0.001, 0.5]).
 */
export const GET = guardedRoute<{ params: Promise<{ id: string }> }>({ role: "viewer" }, async (req, { params }) => {
  const id = routeParam((await params).id);
  try {
    const exp = await getExperiment(id);
    if (!exp) return NextResponse.json({ error: `no experiment with id "${id}"` }, { status: 404 });
    const query = paramsFromSearch(new URL(req.url).searchParams);
    const view = viewFromParams(query);
    const display = displayFromParams(query);
    const phase = parsePhaseChoice(new URL(req.url).searchParams.get("phase")) ?? undefined;
    const doc = await loadResultsDocument(exp, view, display.segment, phase);
    return NextResponse.json({ ...doc, decision: decide(doc), display, rows: allRows(doc), viewNotes: viewNotes(query) });
  } catch (err) {
    return NextResponse.json({ error: publicMessage(err, "the results could not be loaded") }, { status: 500 });
  }
});
