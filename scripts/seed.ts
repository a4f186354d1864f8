import { parseArgs } from "node:util";
import { migrate } from "@/lib/db/migrate";
import { DEFAULT_SEED } from "@/lib/demo/plan";
import { extendDemoExperiments, registerDemoExperiments } from "@/lib/demo/register";
import { RUNNING_DEMO, registerRunningDemo } from "@/lib/demo/running";
import { appendDays, seedWarehouse } from "@/lib/demo/seed-warehouse";
import { duckdbPath } from "@/lib/warehouse/config";
import { fail, main, wholeNumber } from "./cli";

const USAGE = "usage: npm run seed -- [--users N] [--days D] [--seed S]\n       npm run seed -- --append-days N";

main(async () => {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        users: { type: "string" },
        days: { type: "string" },
        seed: { type: "string" },
        "append-days": { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) return void console.log(USAGE);
  const file = duckdbPath();
  if (values["append-days"] !== undefined) {
    if (values.users !== undefined || values.days !== undefined || values.seed !== undefined) fail(`--append-days continues the seeded warehouse: it takes no --users, --days or --seed\n${USAGE}`, 2);
    const days = wholeNumber("append-days", values["append-days"], 1, 1);
    console.log(`Appending ${days} day${days === 1 ? "" : "s"} to ${file}…`);
    const s = await appendDays(file, days);
    console.log(
      `  +${s.added.exposures.toLocaleString("en")} exposures, +${s.added.events.toLocaleString("en")} events in ${s.seconds}s; ` +
        `the warehouse covers ${s.days} days`,
    );
    await migrate();
    // the demo experiments run to the last day with data
    const ids = await extendDemoExperiments(s.days);
    console.log(`The demo experiments (${ids.join(", ")}) now end on their ${s.days}th day.`);
    return;
  }
  const options = {
    users: wholeNumber("users", values.users, DEFAULT_SEED.users, 100),
    days: wholeNumber("days", values.days, DEFAULT_SEED.days, 7),
    seed: wholeNumber("seed", values.seed, DEFAULT_SEED.seed),
  };
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
