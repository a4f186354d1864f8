// Next calls register() once per server start: apply pending migrations before serving.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    (await import("./lib/http/refused-methods")).installMethodGuard();
    const { migrate } = await import("./lib/db/migrate");
    await migrate();
  }
}
