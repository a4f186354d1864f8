import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { genericOAuth } from "better-auth/plugins";
import { config } from "@/lib/config";
import { prisma } from "@/lib/db";
import { databaseProvider, databaseUrl } from "@/lib/db/config";
import { settingOrCreate } from "./settings";

// Sign-in is Better Auth's (email and password hashed with its scrypt KDF; OpenID Connect through
// its generic OAuth plugin when OIDC_* are set), on our Prisma client. Nobody signs up: accounts
// are made by an admin, `npm run user:create` or the first-admin setup (lib/auth/users.ts).

/** The OpenID Connect provider's id in Better Auth (its callback is /api/auth/callback/oidc). */
export const OIDC_PROVIDER_ID = "oidc";

/** The origin a request was addressed to (a reverse proxy passes it in X-Forwarded-Host/-Proto). */
function ownOrigin(request: Request): string | null {
  const host = (request.headers.get("x-forwarded-host") ?? request.headers.get("host"))?.split(",")[0]?.trim();
  if (!host) return null;
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || new URL(request.url).protocol.replace(":", "");
  return `${proto}://${host}`;
}

function build(secret: string) {
  const c = config();
  return betterAuth({
    appName: "Experiment results",
    secret,
    baseURL: c.AUTH_URL,
    // Better Auth refuses writes whose Origin is not trusted. Without AUTH_URL it would only trust
    // the origin it derives from the request URL, which is Next's own host name ("localhost"), not
    // the one the browser used (127.0.0.1, a LAN name): trust the origin the request itself was
    // addressed to. A page of another site cannot send that (its Origin is its own).
    trustedOrigins: (request) => {
      const origin = request ? ownOrigin(request) : null;
      return origin ? [origin] : [];
    },
    database: prismaAdapter(prisma, { provider: databaseProvider(databaseUrl()) }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 10 },
    user: {
      additionalFields: {
        // ours, not Better Auth's: it never lets a request set it (input: false)
        role: { type: "string", required: true, defaultValue: "viewer", input: false },
      },
    },
    rateLimit: {
      enabled: true,
      customRules: { "/sign-in/*": { window: 60, max: c.SIGN_IN_ATTEMPTS_PER_MINUTE } },
    },
    telemetry: { enabled: false },
    plugins: c.oidc
      ? [
          genericOAuth({
            config: [
              {
                providerId: OIDC_PROVIDER_ID,
                discoveryUrl: c.oidc.discoveryUrl,
                clientId: c.oidc.clientId,
                clientSecret: c.oidc.clientSecret,
                scopes: ["openid", "email", "profile"],
                pkce: true,
              },
            ],
          }),
        ]
      : [],
  });
}

export type Auth = ReturnType<typeof build>;

// One instance per process (Next bundles route handlers and pages separately: keep it on globalThis).
const slot = globalThis as typeof globalThis & { __auth?: Promise<Auth> };

/**
 * The process's Better Auth. Its secret signs session cookies: AUTH_SECRET, or one generated on
 * first use and kept in the app database so every process (and every restart) shares it.
 */
export function getAuth(): Promise<Auth> {
  slot.__auth ??= (async () => {
    const secret = config().AUTH_SECRET ?? (await settingOrCreate("auth.secret", () => randomBytes(32).toString("base64url")));
    return build(secret);
  })().catch((err: unknown) => {
    slot.__auth = undefined; // a database that was not reachable yet: try again next time
    throw err;
  });
  return slot.__auth;
}

/** For tests that change the configuration within one process. */
export function resetAuth(): void {
  slot.__auth = undefined;
}
