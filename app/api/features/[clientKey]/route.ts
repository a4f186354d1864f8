import { routeParam } from "@/app/route-param";
import { featuresPreflight, handleFeatures } from "@/lib/running/sdk-requests";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ clientKey: string }> };

/** The running experiments as a GrowthBook features payload (ETag, cache headers, CORS for the key's origins). */
export async function GET(req: Request, { params }: Ctx): Promise<Response> {
  return handleFeatures(req, routeParam((await params).clientKey));
}

export async function OPTIONS(req: Request, { params }: Ctx): Promise<Response> {
  return featuresPreflight(req, routeParam((await params).clientKey));
}
