import { readFileSync } from "node:fs";
import path from "node:path";
import { get_config, get_dmmf } from "@prisma/prisma-schema-wasm";
import { describe, expect, it } from "vitest";
import { postgresVariant } from "@/scripts/postgres-schema";

// The Postgres client is generated from a copy of prisma/schema.prisma with the provider swapped:
// the copy must describe exactly the same models, only for the other database.

const schema = readFileSync(path.join(process.cwd(), "prisma", "schema.prisma"), "utf8");
const configOf = (s: string) =>
  JSON.parse(get_config(JSON.stringify({ prismaSchema: s, datasourceOverrides: {}, ignoreEnvVarErrors: true, env: {} }))) as {
    config: { datasources: { provider: string }[]; generators: { name: string; output: { value: string } }[] };
  };
const datamodelOf = (s: string) => (JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: s }))) as { datamodel: unknown }).datamodel;

describe("postgresVariant", () => {
  const variant = postgresVariant(schema);

  it("swaps the provider to postgresql and writes the client beside the copy", () => {
    expect(configOf(schema).config.datasources.map((d) => d.provider)).toEqual(["sqlite"]);
    const { config } = configOf(variant);
    expect(config.datasources.map((d) => d.provider)).toEqual(["postgresql"]);
    expect(config.generators.map((g) => [g.name, g.output.value])).toEqual([["client", "./client"]]);
  });

  it("leaves every model, field, default, index and relation as it is", () => {
    expect(datamodelOf(variant)).toEqual(datamodelOf(schema));
  });

  it("refuses a schema it does not recognise rather than generating the wrong client", () => {
    expect(() => postgresVariant(schema.replace('provider = "sqlite"', 'provider = "mysql"'))).toThrow(/expected one sqlite datasource/);
    expect(() => postgresVariant(schema.replace(/output\s*=.*\n/, ""))).toThrow(/generator with an output/);
  });
});
