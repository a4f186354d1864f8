import { parseArgs } from "node:util";
import { migrate } from "@/lib/db/migrate";
import { DEFAULT_SEED } from "@/lib/demo/plan";
import { registerDemoExperiments } from "@/lib/demo/register";
import { RUNNING_DEMO, registerRunningDemo } from "@/lib/demo/running";
import { seedWarehouse } from "@/lib/demo/seed-warehouse";
import { duckdbPath } from "@/lib/warehouse/config";
import { fail, main, wholeNumber } from "./cli";

const USAGE = "usage: npm run seed -- [--users N] [--days D] [--seed S]";

main(async () => {
  let values;
  try {
    ({ values } = parseArgs({
      options: { users: { type: "string" }, days: { type: "string" }, seed: { type: "string" }, help: { type: "boolean" } },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) return void console.log(USAGE);
  const options = {
    users: wholeNumber("users", values.users, DEFAULT_SEED.users, 100),
    days: wholeNumber("days", values.days, DEFAULT_SEED.days, 7),
    seed: wholeNumber("seed", values.seed, DEFAULT_SEED.seed),
  };
  const file = duckdbPath();
  console.log(`Seeding ${file} with ${options.users.toLocaleString("en")} users over ${options.days} days (seed ${options.seed})…`);
  const summary = await seedWarehouse(file, options);
  console.log(
    `  ${summary.users.toLocaleString("en")} users, ${summary.exposures.toLocaleString("en")} exposures, ` +
      `${summary.events.toLocaleString("en")} events in ${summary.seconds}s`,
  );
  await migrate();
  const ids = await registerDemoExperiments(options.days);
  if (await registerRunningDemo()) ids.push(RUNNING_DEMO.id);
  console.log(`Registered ${ids.length} demo experiments: ${ids.join(", ")}`);
});
