import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { recordAudit } from "@/lib/audit/log";
import { isRole } from "@/lib/auth/roles";
import { createUser, UserError } from "@/lib/auth/users";
import { migrate } from "@/lib/db/migrate";
import { fail, main } from "./cli";

// `npm run user:create -- --email E --role viewer|editor|admin [--name N]`: a user who signs in
// with email and password; prints a one-time password (only its hash is stored).

const USAGE = "usage: npm run user:create -- --email you@example.com --role viewer|editor|admin [--name \"Your Name\"]";

main(async () => {
  let values;
  try {
    ({ values } = parseArgs({ options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" }, help: { type: "boolean" } } }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) return void console.log(USAGE);
  if (!values.email || !values.role) fail(USAGE, 2);
  if (!isRole(values.role)) fail(`--role must be viewer, editor or admin (got "${values.role}")`, 2);
  await migrate();
  try {
    const { user, password } = await createUser({ email: values.email, role: values.role, name: values.name });
    await recordAudit({ kind: "system", name: "command line" }, { action: "created", targetType: "user", targetId: user.email, summary: `user ${user.email} (${user.role})` });
    console.log(`Created ${user.email} (${user.role}).`);
    console.log(`One-time password: ${password}`);
    console.log("Sign in at /sign-in and change it under your account; it is not shown again.");
  } catch (err) {
    if (err instanceof UserError) fail(err.message);
    if (err instanceof ZodError) fail(err.issues.map((i) => `--${String(i.path[0])} ${i.message}`).join("; "), 2);
    throw err;
  }
});
