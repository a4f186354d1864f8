import { readFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempEnvironment } from "../support/temp-env";

// The migrations are hand-written SQL; this proves they build exactly the tables schema.prisma
// describes (read by Prisma's own schema parser), so the two can never drift apart unnoticed.

interface DmmfField {
  name: string;
  kind: string;
  type: string;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  relationFromFields?: string[];
}
interface DmmfModel {
  name: string;
  fields: DmmfField[];
  uniqueFields: string[][];
  primaryKey: null | { fields: string[] };
}

const SQLITE_TYPE: Record<string, string> = {
  String: "TEXT",
  Int: "INTEGER",
  BigInt: "BIGINT",
  Float: "REAL",
  Boolean: "BOOLEAN",
  DateTime: "DATETIME",
};

const env = useTempEnvironment("migrations");
const schema = readFileSync(path.join(process.cwd(), "prisma", "schema.prisma"), "utf8");
const models = (JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema }))) as { datamodel: { models: DmmfModel[] } })
  .datamodel.models;
const db = createClient({ url: env.database });

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  expect(await migrate(env.database)).toEqual(["20261121000000_init", "20261201000000_drop_snapshot_results"]);
});
afterAll(() => {
  db.close();
  env.cleanup();
});

describe("hand-written migrations match schema.prisma", () => {
  it("creates exactly the models' tables (plus Prisma's migration history)", async () => {
    const tables = await db.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
    expect(tables.rows.map((r) => r.name).sort()).toEqual([...models.map((m) => m.name), "_prisma_migrations"].sort());
  });

  for (const model of models) {
    it(`table ${model.name}: columns, types, nullability, defaults, keys`, async () => {
      const info = await db.execute(`PRAGMA table_info("${model.name}")`);
      const columns = new Map(info.rows.map((r) => [String(r.name), r]));
      const scalars = model.fields.filter((f) => f.kind === "scalar");
      expect([...columns.keys()].sort()).toEqual(scalars.map((f) => f.name).sort());
      for (const f of scalars) {
        const col = columns.get(f.name)!;
        expect(String(col.type), `${model.name}.${f.name} type`).toBe(SQLITE_TYPE[f.type]);
        expect(Number(col.notnull) === 1 || Number(col.pk) === 1, `${model.name}.${f.name} NOT NULL`).toBe(f.isRequired);
        expect(Number(col.pk) > 0, `${model.name}.${f.name} primary key`).toBe(f.isId);
        // @updatedAt has no SQL default (Prisma sets it); every other @default must be in the table
        const isUpdatedAt = f.name === "updatedAt";
        if (!isUpdatedAt && !f.isId) expect(col.dflt_value !== null, `${model.name}.${f.name} default`).toBe(f.hasDefaultValue);
      }
    });

    it(`table ${model.name}: unique constraints and foreign keys`, async () => {
      const indexes = await db.execute(`PRAGMA index_list("${model.name}")`);
      const uniques: string[][] = [];
      for (const idx of indexes.rows.filter((r) => Number(r.unique) === 1 && r.origin !== "pk")) {
        const cols = await db.execute(`PRAGMA index_info("${String(idx.name)}")`);
        uniques.push(cols.rows.map((c) => String(c.name)));
      }
      const expected = [...model.uniqueFields, ...model.fields.filter((f) => f.isUnique).map((f) => [f.name])];
      expect(uniques.map((u) => u.join(",")).sort()).toEqual(expected.map((u) => u.join(",")).sort());

      const fks = await db.execute(`PRAGMA foreign_key_list("${model.name}")`);
      const expectedFks = model.fields.filter((f) => f.kind === "object" && f.relationFromFields?.length);
      expect(fks.rows.map((r) => `${String(r.from)}->${String(r.table)}.${String(r.to)}`).sort()).toEqual(
        expectedFks.map((f) => `${f.relationFromFields![0]}->${f.type}.id`).sort(),
      );
    });
  }

  it("is idempotent and refuses an edited migration", async () => {
    const { migrate, readMigrations } = await import("@/lib/db/migrate");
    expect(await migrate(env.database)).toEqual([]);
    const edited = readMigrations().map((m) => ({ ...m, checksum: "0".repeat(64) }));
    await expect(migrate(env.database, edited)).rejects.toThrow(/was edited after it was applied/);
  });

  it("the Prisma client works against the migrated database", async () => {
    const { saveExperiment, getExperiment } = await import("@/lib/analysis/experiments");
    await saveExperiment({
      id: "t1", name: "T", hypothesis: "", owner: "", status: "draft", startDate: "2026-01-01", endDate: null,
      controlVariant: "a", variants: [{ key: "a", name: "A", weight: 1 }, { key: "b", name: "B", weight: 2 }],
      metrics: [{ key: "purchases", role: "primary" }],
    });
    const exp = await getExperiment("t1");
    expect(exp?.variants.map((v) => [v.key, v.weight])).toEqual([["a", 1], ["b", 2]]);
  });
});
