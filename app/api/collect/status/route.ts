import { NextResponse } from "next/server";
import { inboxStatus } from "@/lib/collect/inbox";
import { flusherError } from "@/lib/collect/flusher";
import { guardedRoute } from "@/lib/http/guarded-route";

export const dynamic = "force-dynamic";

/** How collection is doing: items acknowledged and not yet in the warehouse, the last flush, the flusher's last problem. */
export const GET = guardedRoute({ role: "viewer" }, async () => {
  return NextResponse.json({ ...(await inboxStatus()), flusherError: flusherError() }, { headers: { "cache-control": "no-store" } });
});
