import { NextResponse } from "next/server";
import { listOverview } from "@/lib/analysis/overview";

export const dynamic = "force-dynamic";

export async function GET() {
  return NextResponse.json({ experiments: await listOverview() });
}
