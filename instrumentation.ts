// Next calls register() once per server start: apply pending migrations before serving.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { migrate } = await import("./lib/db/migrate");
    await migrate();
  }
}
