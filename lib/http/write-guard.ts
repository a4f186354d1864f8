// The checks every route handler that changes something runs first, before any work: refuse
// cross-site writes (403) and bodies over the route's limit (413). Server actions have Next's own
// origin check and body limit; their size is checked earlier, in the proxy (lib/http/screen-request.ts).
import { bodyExceeds, sizeText } from "./body-limit";
import { crossSiteReason } from "./same-origin";

export interface WriteLimits {
  /** the most body bytes the route reads (routes that take no body still tolerate a small one, e.g. "{}") */
  maxBodyBytes: number;
}

/** A small body, for routes that take none: clients may still send an empty JSON object. */
export const NO_BODY: WriteLimits = { maxBodyBytes: 1024 };

/** The refusal to send instead of handling the request, or null when the write may go ahead. */
export async function refuseUnsafeWrite(req: Request, limits: WriteLimits): Promise<Response | null> {
  const crossSite = crossSiteReason(req.headers);
  if (crossSite) return Response.json({ error: `cross-site write refused: ${crossSite}` }, { status: 403 });
  if (await bodyExceeds(req, limits.maxBodyBytes)) {
    return Response.json(
      { error: `request body too large: this endpoint accepts at most ${sizeText(limits.maxBodyBytes)}` },
      { status: 413 },
    );
  }
  return null;
}
