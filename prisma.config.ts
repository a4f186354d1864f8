import { defineConfig } from "prisma/config";

// The CLI is only used for `prisma generate` (scripts/prisma-generate.ts, for both providers);
// migrations are hand-written per provider under prisma/migrations/<provider> and applied by
// lib/db/migrate.ts. The path below is the default (SQLite) set, for Prisma tools that read it.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations/sqlite" },
});
