import { seedWarehouse } from "@/lib/demo/seed-warehouse";
import { main } from "./cli";

// Seeds one bench warehouse; bench.ts runs it as a child process so that the bench's own peak
// RSS is the analysis', not the seed's (sorting 100M+ events takes several GB).
// usage: tsx scripts/bench-seed.ts <file> '{"users":…,"days":…,"seed":…}'
main(async () => {
  const [file, json] = process.argv.slice(2);
  if (!file || !json) throw new Error("usage: tsx scripts/bench-seed.ts <file> <options JSON>");
  const s = await seedWarehouse(file, JSON.parse(json) as { users: number; days: number; seed: number });
  console.log(JSON.stringify({ measurement: "seed", users: s.users, exposures: s.exposures, events: s.events, seconds: s.seconds }));
});
