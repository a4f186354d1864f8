// Next's proxy (formerly middleware): runs before routing, for every request but static assets.
import { NextResponse, type NextRequest } from "next/server";
import { screenRequest } from "@/lib/http/screen-request";

export async function proxy(req: NextRequest) {
  return (await screenRequest(req, req.nextUrl.pathname)) ?? NextResponse.next();
}

export const config = {
  matcher: ["/((?!_next/static/|_next/image|icon\\.svg$).*)"],
};
