import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { postgresVariant } from "./postgres-schema";

// `npm run db:generate` (run by postinstall): one Prisma client per app-database provider, both
// from prisma/schema.prisma. A generated client is provider-specific (its query compiler and its
// types), so the Postgres one comes from a derived copy of the schema: lib/generated/postgresql.

const root = path.join(__dirname, "..");
const source = path.join(root, "prisma", "schema.prisma");
const postgresSchema = path.join(root, "lib", "generated", "postgresql", "schema.prisma");

function generate(schemaPath: string): void {
  // The schema engine cannot be downloaded here and `generate` does not need it.
  const env = { PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false", ...process.env };
  const r = spawnSync(path.join(root, "node_modules", ".bin", "prisma"), ["generate", "--schema", schemaPath], { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`prisma generate --schema ${path.relative(root, schemaPath)} failed`);
}

try {
  generate(source);
  mkdirSync(path.dirname(postgresSchema), { recursive: true });
  writeFileSync(postgresSchema, postgresVariant(readFileSync(source, "utf8")));
  generate(postgresSchema);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
