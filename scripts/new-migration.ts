import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fail } from "./cli";

// `npm run db:migration -- <name>`: the same new migration folder in both providers' sets, each
// with a migration.sql to fill in by hand (the schema engine that would write it is not available).
// The test in tests/integration/migrations.test.ts says what each set still lacks.

const USAGE = "usage: npm run db:migration -- <name>   (lower-case letters, digits and _, e.g. add_snapshot_owner)";
const PROVIDERS = ["sqlite", "postgresql"] as const;

let positionals: string[] = [];
try {
  ({ positionals } = parseArgs({ allowPositionals: true }));
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
const name = positionals[0] ?? "";
if (positionals.length !== 1 || !/^[a-z0-9_]+$/.test(name)) fail(USAGE, 2);

// Prisma's folder names: a UTC timestamp (yyyyMMddHHmmss), so the sets sort in the order written.
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = `${stamp}_${name}`;
for (const provider of PROVIDERS) {
  const dir = path.join(process.cwd(), "prisma", "migrations", provider, folder);
  if (existsSync(dir)) fail(`${path.relative(process.cwd(), dir)} exists already`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), `-- ${name} (${provider}): write this migration's SQL for ${provider} here\n`);
  console.log(`prisma/migrations/${provider}/${folder}/migration.sql`);
}
