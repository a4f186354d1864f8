import path from "node:path";

/** The app database URL: DATABASE_URL, or a SQLite file under data/ (12-factor default). */
export function databaseUrl(): string {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  return "file:" + path.join(process.cwd(), "data", "app.db");
}
