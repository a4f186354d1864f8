import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

// Fresh Postgres databases for tests, made synchronously (useTempEnvironment is called at a test
// file's top level) by a short node child running one statement through `pg`.

const RUN_ONE_STATEMENT = `
const { Client } = require("pg");
const client = new Client({ connectionString: process.argv[1] });
client.connect()
  .then(() => client.query(process.argv[2]))
  .then(() => client.end())
  .catch((err) => { console.error(err.message); process.exit(1); });
`;

function runStatement(adminUrl: string, sql: string): void {
  execFileSync(process.execPath, ["-e", RUN_ONE_STATEMENT, adminUrl, sql], { cwd: process.cwd(), stdio: ["ignore", "ignore", "pipe"] });
}

/** Creates an empty database on the server of `adminUrl` and returns its URL. */
export function createPostgresDatabase(adminUrl: string, prefix: string): { url: string; drop: () => void } {
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9]+/g, "_").slice(0, 40)}_${randomBytes(4).toString("hex")}`;
  runStatement(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE: this process's own Prisma pool may still hold connections
    drop: () => runStatement(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
