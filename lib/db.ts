import { PrismaLibSql } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgresql/client/client";
import { databaseBusyTimeoutMs, databaseProvider, databaseUrl, postgresSchema } from "./db/config";

// One client per process; Next's dev server reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

/** A client for the database at `url`: libSQL for SQLite, node-postgres for PostgreSQL. */
export function createPrismaClient(url: string): PrismaClient {
  // busy_timeout is per connection: the adapter's client applies it to each one it opens (WAL mode,
  // which lets readers run beside a writer, is stored in the file by migrate())
  if (databaseProvider(url) === "sqlite") return new PrismaClient({ adapter: new PrismaLibSql({ url, timeout: databaseBusyTimeoutMs() }) });
  const adapter = new PrismaPg(
    { connectionString: url },
    {
      schema: postgresSchema(url),
      // the pool replaces a dropped idle connection; the adapter would otherwise only debug-log it
      onPoolError: (err) => console.error(`app database: ${err.message}`),
    },
  );
  // Both clients are generated from prisma/schema.prisma (scripts/prisma-generate.ts), so their
  // models and queries are the same; callers see one type, the SQLite client's, whose options are
  // the narrower ones (the suites run on both databases to hold this).
  return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
}

export const prisma: PrismaClient = globalForPrisma.prisma ?? createPrismaClient(databaseUrl());
if (process.env.NODE_ENV !== "production") globalForPrisma.prisma = prisma;
