import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/guarded-route";
import { listOverview } from "@/lib/ui/experiment-list";
import { applyFilters, filtersFromParams } from "@/lib/ui/list-filters";
import { paramsFromSearch } from "@/lib/ui/view-params";
import { publicMessage } from "@/lib/public-error";

export const dynamic = "force-dynamic";

/** The list as the page shows it: each experiment's status and best arm; the page's filters (q, status, owner, decision, archived=1) apply. */
export const GET = guardedRoute({ role: "viewer" }, async (req) => {
  try {
    const filters = filtersFromParams(paramsFromSearch(new URL(req.url).searchParams));
    return NextResponse.json({ experiments: applyFilters(await listOverview(), filters), filters });
  } catch (err) {
    return NextResponse.json({ error: publicMessage(err, "the experiments could not be listed") }, { status: 500 });
  }
});
