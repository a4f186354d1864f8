import { config } from "../config";

/** The app database URL: DATABASE_URL, or a SQLite file under data/ (12-factor default). */
export function databaseUrl(): string {
  return config().databaseUrl;
}
