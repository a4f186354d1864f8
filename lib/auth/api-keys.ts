import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db";

// API keys: 32 random bytes behind a recognisable prefix (`exr_read_…`, `exr_write_…`,
// `exr_client_…`, so a leaked one is easy to spot and to grep for). Only a SHA-256 of the whole
// key is stored: a 256-bit random secret cannot be guessed from its hash, so it needs no slow
// password KDF, and lookup is one indexed read. The key is shown once, when it is made.
//   read    the JSON API's reads (as a viewer)
//   write   the JSON API's reads and writes (as an editor: refresh, cancel, …)
//   client  only the SDK payload and the collection endpoint, from its allowed origins

export const KEY_SCOPES = ["read", "write", "client"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

const KEY_PATTERN = /^exr_(read|write|client)_[A-Za-z0-9_-]{43}$/;

export type ApiKeyRow = NonNullable<Awaited<ReturnType<typeof prisma.apiKey.findFirst>>>;

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** An origin as browsers send it: scheme, host and optional port, nothing else. */
const origin = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && u.origin === v.replace(/\/$/, "");
    } catch {
      return false;
    }
  }, "each origin must be like https://shop.example.com (scheme, host and port only)")
  .transform((v) => v.replace(/\/$/, ""));

export const newKeySchema = z
  .object({
    name: z.string().trim().min(1, "a name is required").max(80, "at most 80 characters"),
    scope: z.enum(KEY_SCOPES, { error: "must be read, write or client" }),
    origins: z.array(origin).max(50, "at most 50 origins").default([]),
  })
  .refine((k) => k.scope === "client" || k.origins.length === 0, { message: "only client keys have allowed origins", path: ["origins"] });

export type NewKey = z.input<typeof newKeySchema>;

/** Makes a key; the returned `key` is the only time the secret exists outside its holder. */
export async function createApiKey(input: NewKey, createdBy: string | null): Promise<{ key: string; row: ApiKeyRow }> {
  const k = newKeySchema.parse(input);
  const key = `exr_${k.scope}_${randomBytes(32).toString("base64url")}`;
  const row = await prisma.apiKey.create({
    data: {
      id: randomBytes(6).toString("hex"),
      name: k.name,
      scope: k.scope,
      secretHash: hashKey(key),
      origins: JSON.stringify(k.origins),
      createdBy,
    },
  });
  return { key, row };
}

/** The live (not revoked) key with this secret, or null. */
export async function findApiKey(key: string): Promise<ApiKeyRow | null> {
  if (!KEY_PATTERN.test(key)) return null;
  const row = await prisma.apiKey.findUnique({ where: { secretHash: hashKey(key) } });
  return row && !row.revokedAt ? row : null;
}

/** Records a use; at most one write a minute per key, so busy clients do not write on every request. */
export async function markKeyUsed(row: ApiKeyRow, now = new Date()): Promise<void> {
  if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < 60_000) return;
  await prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => undefined);
}

export async function revokeApiKey(id: string): Promise<ApiKeyRow | null> {
  const done = await prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return done.count === 1 ? prisma.apiKey.findUnique({ where: { id } }) : null;
}

export async function listApiKeys(): Promise<ApiKeyRow[]> {
  return prisma.apiKey.findMany({ orderBy: [{ revokedAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }] });
}

export function keyOrigins(row: ApiKeyRow): string[] {
  try {
    const v = JSON.parse(row.origins) as unknown;
    return Array.isArray(v) ? v.filter((o): o is string => typeof o === "string") : [];
  } catch {
    return [];
  }
}

export function keyScope(row: ApiKeyRow): KeyScope {
  return (KEY_SCOPES as readonly string[]).includes(row.scope) ? (row.scope as KeyScope) : "read";
}
