import { createInterface } from "node:readline";
import { createClient } from "@libsql/client";

// Another process writing to the app database: on "lock <ms>" (a line on stdin) it takes SQLite's
// write lock (BEGIN IMMEDIATE), says "locked", holds it for <ms> and commits ("released").
// usage: tsx tests/support/hold-app-db-lock.ts <database URL>
const client = createClient({ url: process.argv[2]! });
console.log("ready");
createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, ms] = line.trim().split(/\s+/);
  if (command === "quit") {
    client.close();
    process.exit(0);
  }
  if (command !== "lock") return;
  void (async () => {
    const tx = await client.transaction("write");
    await tx.execute(`UPDATE "Experiment" SET "name" = "name"`);
    console.log("locked");
    setTimeout(async () => {
      await tx.commit();
      console.log("released");
    }, Number(ms));
  })();
});
