import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

// `npm run test:postgres`: a throwaway PostgreSQL cluster (initdb in a temporary folder, a free
// port, torn down afterwards) and the integration and browser suites run against it.
//   npm run test:postgres                       integration suite, then the browser suite
//   npm run test:postgres -- <command…>         any command, with TEST_POSTGRES_URL set
// TEST_POSTGRES_URL is the cluster's admin URL: each test file gets a fresh database from it
// (tests/support/temp-env.ts). The browser suite gets a fresh database as E2E_DATABASE_URL.
// initdb refuses to run as root, so as root the server runs as the `postgres` user.

const root = path.join(__dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

/** initdb and pg_ctl: from PATH, else the newest Debian install (its binaries are not on PATH). */
function postgresBinDir(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) return dir;
  }
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(debian, v, "bin", "initdb"))) return path.join(debian, v, "bin");
  throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian: apt-get install postgresql)");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let current: ChildProcess | undefined;
let interrupted = false;

/** Runs a command to its end; a signal to this script is passed on to it (the cluster is stopped after). */
function run(command: string, args: string[], options: SpawnOptions = {}): Promise<number> {
  if (interrupted) return Promise.resolve(130);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", ...options });
    current = child;
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      current = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    interrupted = true;
    current?.kill(signal);
  });
}

class Cluster {
  private readonly asRoot = userInfo().uid === 0;
  readonly dir = mkdtempSync(path.join(tmpdir(), "pg-test-"));
  readonly data = path.join(this.dir, "data");

  constructor(
    private readonly binDir: string,
    readonly port: number,
  ) {}

  /** Runs a server binary as the `postgres` user when we are root. */
  private pg(tool: string, args: string[]): void {
    const exe = path.join(this.binDir, tool);
    const [command, argv] = this.asRoot ? ["runuser", ["-u", "postgres", "--", exe, ...args]] : [exe, args];
    const r = spawnSync(command, argv, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${tool} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  }

  start(): void {
    if (this.asRoot) {
      const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
      const [uid, gid] = [id("-u"), id("-g")];
      if (uid.status !== 0 || gid.status !== 0) throw new Error("as root, a `postgres` user is needed to run the server (initdb refuses root)");
      chownSync(this.dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
    }
    this.pg("initdb", ["-D", this.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
    const options = [
      `-p ${this.port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${this.dir}`,
      // a zone far from UTC, so anything leaning on the server's clock zone shows up in the tests
      "-c TimeZone=Pacific/Chatham",
      // durability is pointless for a throwaway cluster; without it, it is several times faster
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
    ].join(" ");
    const log = path.join(this.dir, "server.log");
    try {
      this.pg("pg_ctl", ["-D", this.data, "-l", log, "-o", options, "-w", "-t", "60", "start"]);
    } catch (err) {
      const tail = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").slice(-5).join("\n") : "";
      throw new Error(`${(err as Error).message}\n${tail}`);
    }
  }

  /** Stops the server if it runs (also after a half-failed start) and removes the folder; never throws. */
  stop(): void {
    try {
      if (existsSync(path.join(this.data, "postmaster.pid"))) this.pg("pg_ctl", ["-D", this.data, "-m", "immediate", "-w", "stop"]);
    } catch (err) {
      console.error(`test:postgres: could not stop the cluster in ${this.dir}: ${(err as Error).message}`);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  url(database = "postgres"): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async createDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const command = args[0] === "--" ? args.slice(1) : args;
  const cluster = new Cluster(postgresBinDir(), await freePort());
  try {
    cluster.start();
    console.log(`PostgreSQL test cluster on port ${cluster.port} (${cluster.dir})`);
    const env = { ...process.env, TEST_POSTGRES_URL: cluster.url() };
    if (command.length) return await run(command[0]!, command.slice(1), { env });

    console.log("\n== integration suite on PostgreSQL ==");
    // *.sqlite.test.ts are about SQLite itself (its file locks and busy timeout): they have no Postgres counterpart
    const integration = await run(bin("vitest"), ["run", "tests/integration", "--exclude", "**/*.sqlite.test.ts"], { env });
    if (integration !== 0) return integration;
    console.log("\n== browser suite on PostgreSQL ==");
    const e2eDatabase = await cluster.createDatabase("e2e");
    return await run(bin("playwright"), ["test"], { env: { ...env, E2E_DATABASE_URL: e2eDatabase } });
  } finally {
    cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test:postgres: ${(err as Error).message}`);
    process.exit(1);
  },
);
