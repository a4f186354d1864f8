import { getAuth } from "@/lib/auth/auth";

// Better Auth's endpoints (sign-in, sign-out, the session, the OpenID Connect callback). Sign-up
// is off; its own origin check and sign-in rate limit apply.

export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  return (await getAuth()).handler(req);
}

export { handle as GET, handle as POST };
