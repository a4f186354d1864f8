import { PrismaLibSql } from "@prisma/adapter-libsql";
import { PrismaClient } from "./generated/prisma/client";
import { databaseBusyTimeoutMs, databaseUrl } from "./db/config";

// One client per process; Next's dev server reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function createPrisma(): PrismaClient {
  const url = databaseUrl();
  if (!url.startsWith("file:") && !url.startsWith("libsql:")) {
    throw new Error(`DATABASE_URL must be a SQLite file: or libsql: URL (got "${url.split(":")[0]}:")`);
  }
  // busy_timeout is per connection: the adapter's client applies it to each one it opens (WAL mode,
  // which lets readers run beside a writer, is stored in the file by migrate())
  return new PrismaClient({ adapter: new PrismaLibSql({ url, timeout: databaseBusyTimeoutMs() }) });
}

export const prisma: PrismaClient = globalForPrisma.prisma ?? createPrisma();
if (process.env.NODE_ENV !== "production") globalForPrisma.prisma = prisma;
