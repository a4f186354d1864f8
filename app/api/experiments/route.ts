import { NextResponse } from "next/server";
import { listOverview } from "@/lib/analysis/overview";
import { guardedRoute } from "@/lib/http/guarded-route";
import { publicMessage } from "@/lib/public-error";

export const dynamic = "force-dynamic";

export const GET = guardedRoute({ role: "viewer" }, async () => {
  try {
    return NextResponse.json({ experiments: await listOverview() });
  } catch (err) {
    return NextResponse.json({ error: publicMessage(err, "the experiments could not be listed") }, { status: 500 });
  }
});
