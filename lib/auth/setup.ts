import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { prisma } from "@/lib/db";
import { countUsers, createUser, UserError, type UserRow } from "./users";

// First-admin setup. On a database without users, the server makes a one-time setup token at
// start and prints it in its log; /setup creates the first admin only with that token, so
// whoever reaches a fresh deployment first cannot claim it. Only the token's hash is stored
// (in Setting), the token is consumed atomically (one admin even when two forms race), and a new
// start prints a new one.

const KEY = "setup.token";

function hashToken(token: string): string {
  return createHash("sha256").update(token.trim()).digest("hex");
}

/** A new token when there are no users yet (replacing any earlier one), else null. */
export async function issueSetupToken(): Promise<string | null> {
  if ((await countUsers()) > 0) {
    await prisma.setting.deleteMany({ where: { key: KEY } });
    return null;
  }
  const token = randomBytes(18).toString("base64url");
  await prisma.setting.upsert({ where: { key: KEY }, create: { key: KEY, value: hashToken(token) }, update: { value: hashToken(token) } });
  return token;
}

/** Whether the first-admin setup is open (no users yet). */
export async function setupOpen(): Promise<boolean> {
  return (await countUsers()) === 0;
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Creates the first admin when `token` is the printed one; refuses otherwise. */
export async function completeSetup(input: { token: string; email: string; name?: string; password: string }): Promise<UserRow> {
  if (!(await setupOpen())) throw new UserError("setup is finished: sign in instead");
  const stored = await prisma.setting.findUnique({ where: { key: KEY } });
  const hash = hashToken(input.token);
  if (!stored || !sameHash(stored.value, hash)) throw new UserError("the setup token is not the one in the server log");
  // consume it: of two forms sent at once, one deletes the row and the other finds it gone
  const taken = await prisma.setting.deleteMany({ where: { key: KEY, value: hash } });
  if (taken.count !== 1) throw new UserError("the setup token has just been used");
  try {
    const { user } = await createUser({ email: input.email, name: input.name, role: "admin", password: input.password });
    return user;
  } catch (err) {
    // nothing was made: the same token may be tried again
    await prisma.setting.create({ data: { key: KEY, value: hash } }).catch(() => undefined);
    throw err;
  }
}

/** The lines the server prints at start while setup is open. */
export function setupAnnouncement(token: string, baseUrl: string): string {
  return [
    "",
    "No users yet. Create the first admin at",
    `  ${baseUrl}/setup`,
    `with this one-time setup token: ${token}`,
    "(or run: npm run user:create -- --email you@example.com --role admin)",
    "",
  ].join("\n");
}
