import { randomBytes } from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { getAuth } from "./auth";
import { ROLES, type Role } from "./roles";

// Accounts are made here, never by signing up: by an admin (the admin page), by
// `npm run user:create`, or by the first-admin setup. Passwords go through Better Auth's own
// hashing (scrypt) and are stored in its credential account.

export type UserRow = NonNullable<Awaited<ReturnType<typeof prisma.user.findFirst>>>;

export const newUserSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email("must be an email address").max(254, "must be an email address")),
  name: z.string().trim().max(100, "at most 100 characters").optional(),
  role: z.enum(ROLES, { error: "role must be viewer, editor or admin" }),
  password: z.string().min(10, "at least 10 characters").max(128, "at most 128 characters").optional(),
});
export type NewUser = z.input<typeof newUserSchema>;

/** A user-facing problem (shown as it is): a duplicate email, the last admin, … */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** A password to hand over once: 120 random bits, typeable. */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

/**
 * Creates a user who signs in with email and password. Without a password, one is generated and
 * returned (the only time it exists in clear: print it once and let them change it).
 */
export async function createUser(input: NewUser): Promise<{ user: UserRow; password: string; generated: boolean }> {
  const u = newUserSchema.parse(input);
  if (await prisma.user.findUnique({ where: { email: u.email } })) throw new UserError(`a user with the email ${u.email} exists already`);
  const password = u.password ?? generatePassword();
  const ctx = await (await getAuth()).$context;
  const hash = await ctx.password.hash(password);
  const created = await ctx.internalAdapter.createUser({ email: u.email, name: u.name || u.email.split("@")[0]!, role: u.role, emailVerified: true }, { method: "admin" });
  try {
    await ctx.internalAdapter.linkAccount({ providerId: "credential", accountId: created.id, userId: created.id, password: hash });
  } catch (err) {
    await prisma.user.delete({ where: { id: created.id } }).catch(() => undefined);
    throw err;
  }
  return { user: await prisma.user.findUniqueOrThrow({ where: { id: created.id } }), password, generated: u.password === undefined };
}

/** A new generated password for a user (their sessions end); returned once. */
export async function resetPassword(userId: string): Promise<string> {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new UserError("no such user");
  const password = generatePassword();
  const ctx = await (await getAuth()).$context;
  const hash = await ctx.password.hash(password);
  const credential = await prisma.account.findFirst({ where: { userId, providerId: "credential" } });
  if (credential) await ctx.internalAdapter.updatePassword(userId, hash);
  else await ctx.internalAdapter.linkAccount({ providerId: "credential", accountId: userId, userId, password: hash });
  await ctx.internalAdapter.deleteUserSessions(userId);
  return password;
}

export async function listUsers(): Promise<UserRow[]> {
  return prisma.user.findMany({ orderBy: [{ createdAt: "asc" }, { email: "asc" }] });
}

export async function countUsers(): Promise<number> {
  return prisma.user.count();
}

async function assertAnotherAdmin(userId: string, what: string): Promise<void> {
  const others = await prisma.user.count({ where: { role: "admin", id: { not: userId } } });
  if (others === 0) throw new UserError(`cannot ${what} the last admin: make someone else an admin first`);
}

/** Changes a role (effective at the user's next request). The last admin keeps theirs. */
export async function setUserRole(userId: string, role: Role): Promise<{ before: Role | string; user: UserRow }> {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new UserError("no such user");
  if (user.role === "admin" && role !== "admin") await assertAnotherAdmin(userId, "demote");
  const updated = await prisma.user.update({ where: { id: userId }, data: { role } });
  return { before: user.role, user: updated };
}

/** Removes a user and their sessions and sign-in accounts. The last admin stays. */
export async function removeUser(userId: string): Promise<UserRow> {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new UserError("no such user");
  if (user.role === "admin") await assertAnotherAdmin(userId, "remove");
  await prisma.user.delete({ where: { id: userId } });
  return user;
}
