import { createClient } from "@libsql/client";
import pg from "pg";

// The e2e server's app database, read and written directly by tests, whichever it is: a SQLite
// file (libSQL) or PostgreSQL (npm run test:postgres). Statements use `?` placeholders and quoted
// identifiers, which both understand once `?` becomes `$n` for PostgreSQL.

export interface Statement {
  sql: string;
  args?: (string | number | null)[];
}

export interface AppDb {
  execute(s: Statement | string): Promise<{ rows: Record<string, unknown>[] }>;
  /** the statements in one transaction */
  batch(statements: Statement[]): Promise<void>;
}

export function appDb(url: string): AppDb {
  if (/^postgres(ql)?:/i.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const numbered = (sql: string) => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    };
    const run = (client: pg.Pool | pg.PoolClient, s: Statement | string) => {
      const st = typeof s === "string" ? { sql: s } : s;
      return client.query(numbered(st.sql), st.args ?? []);
    };
    return {
      execute: async (s) => ({ rows: (await run(pool, s)).rows as Record<string, unknown>[] }),
      batch: async (statements) => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          for (const s of statements) await run(client, s);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw err;
        } finally {
          client.release();
        }
      },
    };
  }
  const db = createClient({ url });
  return {
    execute: async (s) => ({ rows: (await db.execute(typeof s === "string" ? s : { sql: s.sql, args: s.args ?? [] })).rows as unknown as Record<string, unknown>[] }),
    batch: async (statements) => {
      await db.batch(
        statements.map((s) => ({ sql: s.sql, args: s.args ?? [] })),
        "write",
      );
    },
  };
}
