import { migrate } from "@/lib/db/migrate";
import { main } from "./cli";

main(async () => {
  const applied = await migrate();
  if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);
});
