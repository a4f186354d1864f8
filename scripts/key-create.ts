import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { recordAudit } from "@/lib/audit/log";
import { createApiKey } from "@/lib/auth/api-keys";
import { migrate } from "@/lib/db/migrate";
import { fail, main } from "./cli";

// `npm run key:create -- --scope read|write|client --name N [--origins https://a.example,https://b.example]`:
// prints a new API key once (only its SHA-256 is stored).

const USAGE = "usage: npm run key:create -- --scope read|write|client --name NAME [--origins https://app.example.com,…]";

main(async () => {
  let values;
  try {
    ({ values } = parseArgs({ options: { scope: { type: "string" }, name: { type: "string" }, origins: { type: "string" }, help: { type: "boolean" } } }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) return void console.log(USAGE);
  if (!values.scope || !values.name) fail(USAGE, 2);
  await migrate();
  const origins = (values.origins ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  try {
    const { key, row } = await createApiKey({ name: values.name, scope: values.scope as "read", origins }, "command line");
    await recordAudit({ kind: "system", name: "command line" }, { action: "key-created", targetType: "key", targetId: row.id, summary: `${row.scope} key “${row.name}”` });
    console.log(key);
    console.error(`(${row.scope} key “${row.name}”; it is not shown again. Send it as: Authorization: Bearer <key>)`);
  } catch (err) {
    if (err instanceof ZodError) fail(err.issues.map((i) => `--${String(i.path[0])} ${i.message}`).join("; "), 2);
    throw err;
  }
});
