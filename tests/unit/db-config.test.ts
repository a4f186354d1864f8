import { describe, expect, it } from "vitest";
import { databaseProvider, postgresSchema } from "@/lib/db/config";

describe("the app database's provider, from DATABASE_URL", () => {
  it("file: and libsql: are SQLite; postgres:// and postgresql:// are PostgreSQL", () => {
    expect(databaseProvider("file:/srv/data/app.db")).toBe("sqlite");
    expect(databaseProvider("file:./data/app.db")).toBe("sqlite");
    expect(databaseProvider("libsql://db.example.com")).toBe("sqlite");
    expect(databaseProvider("postgresql://app:secret@db:5432/experiments")).toBe("postgresql");
    expect(databaseProvider("postgres://db/experiments")).toBe("postgresql");
  });

  it("anything else is refused with a message naming the variable and the scheme, not the URL", () => {
    expect(() => databaseProvider("mysql://root:hunter2@db/app")).toThrow(/DATABASE_URL .* \(got scheme mysql:\)$/);
    expect(() => databaseProvider("mysql://root:hunter2@db/app")).not.toThrow(/hunter2/);
    expect(() => databaseProvider("data/app.db")).toThrow(/got scheme \(none\)/);
  });

  it("?schema= names the Postgres schema (Prisma's convention); none means the server's default", () => {
    expect(postgresSchema("postgresql://db/experiments?schema=team_a")).toBe("team_a");
    expect(postgresSchema("postgresql://db/experiments?sslmode=require&schema=x")).toBe("x");
    expect(postgresSchema("postgresql://db/experiments")).toBeUndefined();
    expect(postgresSchema("postgresql://db/experiments?schema=")).toBeUndefined();
  });
});
