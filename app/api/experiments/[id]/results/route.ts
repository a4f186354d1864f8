import { NextResponse, type NextRequest } from "next/server";
import { getExperiment } from "@/lib/analysis/experiments";
import { loadResultsDocument } from "@/lib/analysis/results-document";
import { viewFromParams } from "@/lib/analysis/view-params";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const exp = await getExperiment(id);
  if (!exp) return NextResponse.json({ error: `no experiment with id "${id}"` }, { status: 404 });
  const view = viewFromParams(Object.fromEntries(req.nextUrl.searchParams));
  return NextResponse.json(await loadResultsDocument(exp, view));
}
