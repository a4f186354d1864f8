// Next's proxy (formerly middleware): runs before routing, for every request but static assets.
import { NextResponse, type NextRequest } from "next/server";
import { screenRequest } from "@/lib/http/screen-request";
import { contentSecurityPolicy, newNonce } from "@/lib/http/security-headers";

export async function proxy(req: NextRequest) {
  const refused = await screenRequest(req, req.nextUrl.pathname);
  if (refused) return refused;
  // the nonce travels to the renderer in the request's CSP header (Next applies it to its scripts)
  const csp = contentSecurityPolicy(newNonce());
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  return res;
}

export const config = {
  matcher: ["/((?!_next/static/|_next/image|icon\\.svg$).*)"],
};
