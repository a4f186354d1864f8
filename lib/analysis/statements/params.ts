import type { Dialect } from "@/lib/warehouse/dialect";
import type { SqlParams, SqlValue } from "@/lib/warehouse/types";

/** Collects bound parameters under readable names; the same value under the same stem is bound once. */
export class ParamBinder {
  readonly values: SqlParams = {};
  private readonly byStemAndValue = new Map<string, string>();

  constructor(private readonly dialect: Dialect) {}

  /** Binds `value` under `stem` (suffixing a number if the stem is taken) and returns the placeholder. */
  bind(stem: string, value: SqlValue): string {
    const dedupeKey = `${stem}\u0000${typeof value}\u0000${String(value)}`;
    const existing = this.byStemAndValue.get(dedupeKey);
    if (existing) return this.dialect.param(existing);
    let name = stem;
    for (let i = 1; name in this.values; i++) name = `${stem}_${i}`;
    this.values[name] = value;
    this.byStemAndValue.set(dedupeKey, name);
    return this.dialect.param(name);
  }
}
