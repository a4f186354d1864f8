// Next calls register() once per server start: apply pending migrations before serving, mark runs
// a stopped process left behind as interrupted, open the first-admin setup on an empty user table
// (printing its one-time token), and resend webhook deliveries left pending.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    (await import("./lib/http/refused-methods")).installMethodGuard();
    const { migrate } = await import("./lib/db/migrate");
    await migrate();
    const { startServerDuties } = await import("./lib/server-start");
    await startServerDuties();
  }
}
