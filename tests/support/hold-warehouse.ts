// Holds a DuckDB warehouse file from another process, as a second server or a CLI would:
//   tsx tests/support/hold-warehouse.ts <file>
// opens it (retrying while someone else still has it, up to 60 s), prints "held", and keeps it
// until its stdin closes or it gets SIGTERM.
import { DuckDBInstance } from "@duckdb/node-api";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: tsx tests/support/hold-warehouse.ts <file>");
  const end = Date.now() + 60_000;
  let instance: DuckDBInstance | undefined;
  while (!instance) {
    try {
      instance = await DuckDBInstance.create(file);
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const connection = await instance.connect();
  await connection.run("SELECT 1");
  process.stdout.write("held\n");
  const release = () => {
    connection.closeSync();
    instance!.closeSync();
    process.exit(0);
  };
  process.stdin.on("end", release);
  process.stdin.resume();
  process.on("SIGTERM", release);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
