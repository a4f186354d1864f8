import { createClient } from "@libsql/client";
import pg from "pg";

// What a migrated app database actually contains, read from the database's own catalog, in one
// shape for both providers so tests/integration/migrations.test.ts can hold it against schema.prisma.

export interface ColumnShape {
  /** the database's own name for the type: SQLite's declared type, Postgres' format_type() */
  type: string;
  notNull: boolean;
  /** the default expression as the catalog prints it, casts removed (Postgres); null if none */
  default: string | null;
}

export interface IndexShape {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface ForeignKeyShape {
  columns: string[];
  table: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface TableShape {
  columns: Map<string, ColumnShape>;
  primaryKey: string[];
  /** every index but the primary key's */
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}

export interface Introspection {
  tables(): Promise<string[]>;
  table(name: string): Promise<TableShape>;
  close(): Promise<void>;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function introspectSqlite(url: string): Introspection {
  const db = createClient({ url });
  return {
    async tables() {
      const r = await db.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
      return r.rows.map((row) => String(row.name));
    },
    async table(name) {
      const info = await db.execute(`PRAGMA table_info(${ident(name)})`);
      const columns = new Map<string, ColumnShape>();
      for (const c of info.rows) {
        const pk = Number(c.pk) > 0;
        // an INTEGER PRIMARY KEY is the rowid: never NULL, whatever the declaration says
        columns.set(String(c.name), { type: String(c.type), notNull: Number(c.notnull) === 1 || pk, default: c.dflt_value === null ? null : String(c.dflt_value) });
      }
      const primaryKey = info.rows.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((c) => String(c.name));

      const indexes: IndexShape[] = [];
      const list = await db.execute(`PRAGMA index_list(${ident(name)})`);
      for (const idx of list.rows.filter((r) => r.origin !== "pk")) {
        const cols = await db.execute(`PRAGMA index_info(${ident(String(idx.name))})`);
        indexes.push({ name: String(idx.name), unique: Number(idx.unique) === 1, columns: cols.rows.map((c) => String(c.name)) });
      }

      const fkRows = await db.execute(`PRAGMA foreign_key_list(${ident(name)})`);
      const byId = new Map<number, ForeignKeyShape>();
      for (const r of fkRows.rows) {
        const fk = byId.get(Number(r.id)) ?? { columns: [], table: String(r.table), refColumns: [], onDelete: String(r.on_delete), onUpdate: String(r.on_update) };
        fk.columns.push(String(r.from));
        fk.refColumns.push(String(r.to));
        byId.set(Number(r.id), fk);
      }
      return { columns, primaryKey, indexes, foreignKeys: [...byId.values()] };
    },
    async close() {
      db.close();
    },
  };
}

const PG_ACTIONS: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

/** Casts the catalog adds to a literal default ('draft'::text → 'draft'). */
const stripCasts = (expr: string) => expr.replace(/::[a-z][a-z ]*(\(\d+(,\d+)?\))?(\[\])?/g, "");

export function introspectPostgres(url: string): Introspection {
  const client = new pg.Client({ connectionString: url });
  const connected = client.connect();
  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    await connected;
    return (await client.query<T>(sql, params)).rows;
  };
  const tableOid = async (name: string) => {
    const rows = await query<{ oid: number }>(
      `SELECT c.oid FROM pg_class c WHERE c.relname = $1 AND c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace`,
      [name],
    );
    if (!rows[0]) throw new Error(`no table ${name}`);
    return rows[0].oid;
  };
  /** column names of attnums, in the given order */
  const columnNames = async (oid: number, attnums: number[]) => {
    const rows = await query<{ attnum: number; attname: string }>(
      `SELECT attnum, attname FROM pg_attribute WHERE attrelid = $1 AND attnum = ANY($2::int2[])`,
      [oid, attnums],
    );
    const names = new Map(rows.map((r) => [Number(r.attnum), r.attname]));
    return attnums.map((n) => names.get(n) ?? `#${n}`);
  };

  return {
    async tables() {
      const rows = await query<{ relname: string }>(
        `SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace`,
      );
      return rows.map((r) => r.relname);
    },
    async table(name) {
      const oid = await tableOid(name);
      const cols = await query<{ attname: string; type: string; attnotnull: boolean; dflt: string | null }>(
        `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, pg_get_expr(d.adbin, d.adrelid) AS dflt
           FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped`,
        [oid],
      );
      const columns = new Map<string, ColumnShape>(
        cols.map((c) => [c.attname, { type: c.type, notNull: c.attnotnull, default: c.dflt === null ? null : stripCasts(c.dflt) }]),
      );

      const idx = await query<{ name: string; indisunique: boolean; indisprimary: boolean; indkey: string; partial: boolean }>(
        `SELECT ic.relname AS name, i.indisunique, i.indisprimary, i.indkey::text AS indkey, i.indpred IS NOT NULL AS partial
           FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = $1`,
        [oid],
      );
      let primaryKey: string[] = [];
      const indexes: IndexShape[] = [];
      for (const i of idx) {
        const columnsOf = await columnNames(oid, i.indkey.split(" ").map(Number));
        if (i.indisprimary) primaryKey = columnsOf;
        else indexes.push({ name: i.partial ? `${i.name} (partial)` : i.name, unique: i.indisunique, columns: columnsOf });
      }

      const fks = await query<{ conkey: number[]; confrelid: number; reftable: string; confkey: number[]; confdeltype: string; confupdtype: string }>(
        `SELECT c.conkey, c.confrelid, r.relname AS reftable, c.confkey, c.confdeltype, c.confupdtype
           FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid WHERE c.conrelid = $1 AND c.contype = 'f'`,
        [oid],
      );
      const foreignKeys: ForeignKeyShape[] = [];
      for (const fk of fks) {
        foreignKeys.push({
          columns: await columnNames(oid, fk.conkey),
          table: fk.reftable,
          refColumns: await columnNames(fk.confrelid, fk.confkey),
          onDelete: PG_ACTIONS[fk.confdeltype] ?? fk.confdeltype,
          onUpdate: PG_ACTIONS[fk.confupdtype] ?? fk.confupdtype,
        });
      }
      return { columns, primaryKey, indexes, foreignKeys };
    },
    async close() {
      await connected.catch(() => undefined);
      await client.end();
    },
  };
}
