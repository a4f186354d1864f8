import type { ColumnType, Definition, EventMetric, MetricDefinition, SourceDefinition } from "./define";
import { parseDefinition } from "./schema";

/**
 * The metrics and sources in force: every definition that checked out, and a message naming the
 * file and field for every one that did not. A refused definition never takes another down,
 * except those that name it (a ratio over a refused metric is refused too, saying why).
 */
export interface MetricCatalog {
  readonly sources: ReadonlyMap<string, SourceDefinition>;
  readonly metrics: ReadonlyMap<string, MetricDefinition>;
  /** where each metric came from (key → file) */
  readonly files: ReadonlyMap<string, string>;
  readonly problems: readonly CatalogProblem[];
}

export interface CatalogProblem {
  file: string;
  /** the definition's key when it has a readable one */
  key: string | null;
  message: string;
}

/** The default source: the event log every warehouse of this product has. */
export const EVENTS_SOURCE: SourceDefinition = {
  kind: "source",
  key: "events",
  table: "events",
  userId: "user_id",
  timestamp: "event_time",
  date: "event_date",
  eventName: "event_name",
  value: "value",
  columns: { event_name: "string", value: "number" },
  description: "The event log: one row per event, partitioned by event_date.",
};

export interface LoadedFile {
  /** the file as shown in messages, e.g. "metrics/commerce/revenue.ts" */
  file: string;
  /** what the file exported (definitions), or why it could not be loaded */
  exports: unknown[] | { error: string };
}

/** The columns a metric may use on a source: declared ones, plus the event-name column. */
export function sourceColumns(s: SourceDefinition): Record<string, ColumnType> {
  const cols: Record<string, ColumnType> = { ...(s.columns ?? {}) };
  if (s.eventName) cols[s.eventName] ??= "string";
  return cols;
}

/** The column an `aggregate: "sum"` metric adds up (or takes quantiles of). */
export function valueColumn(m: EventMetric, s: SourceDefinition): string | undefined {
  return m.column ?? s.value;
}

const TYPE_OF_VALUE: Record<string, ColumnType[]> = { string: ["string", "date", "timestamp"], number: ["number"], boolean: ["boolean"] };

function describeColumns(s: SourceDefinition): string {
  const cols = Object.entries(sourceColumns(s));
  return cols.length ? cols.map(([c, t]) => `${c} (${t})`).join(", ") : "none; declare them in the source's `columns`";
}

/** Problems of a declarative metric against its source (unknown source, column, wrong types). */
function eventMetricProblems(m: EventMetric, sources: ReadonlyMap<string, SourceDefinition>): string[] {
  const problems: string[] = [];
  const s = sources.get(m.source ?? "events");
  if (!s) return [`source: unknown source "${m.source}"; defined: ${[...sources.keys()].join(", ")}`];
  const cols = sourceColumns(s);
  if (m.events && !s.eventName) problems.push(`events: source "${s.key}" has no event-name column; leave \`events\` out or filter with \`where\``);
  if (m.aggregate === "sum") {
    const col = valueColumn(m, s);
    if (!col) problems.push(`column: source "${s.key}" has no default value column; name the column to add up`);
    else if (!(col in cols)) problems.push(`column: source "${s.key}" has no column "${col}"; its columns: ${describeColumns(s)}`);
    else if (cols[col] !== "number") problems.push(`column: "${col}" is ${cols[col]}, a sum needs a number`);
  }
  (m.where ?? []).forEach((f, i) => {
    const type = cols[f.column];
    if (!type) {
      problems.push(`where.${i}.column: source "${s.key}" has no column "${f.column}"; its columns: ${describeColumns(s)}`);
      return;
    }
    const values = f.value === undefined ? [] : Array.isArray(f.value) ? f.value : [f.value];
    for (const v of values) {
      if (!TYPE_OF_VALUE[typeof v]?.includes(type)) problems.push(`where.${i}.value: ${JSON.stringify(v)} does not fit column "${f.column}" (${type})`);
    }
    if (type === "boolean" && !["=", "!=", "is null", "is not null"].includes(f.op)) problems.push(`where.${i}.op: "${f.op}" does not apply to a boolean column`);
  });
  return problems;
}

function ratioProblems(m: MetricDefinition, metrics: ReadonlyMap<string, MetricDefinition>, refused: ReadonlyMap<string, string>): string[] {
  if (m.kind !== "ratio") return [];
  const problems: string[] = [];
  for (const field of ["numerator", "denominator"] as const) {
    const key = m[field];
    const part = metrics.get(key);
    if (!part) {
      const why = refused.get(key);
      problems.push(why ? `${field}: metric "${key}" was refused (${why})` : `${field}: unknown metric "${key}"`);
    } else if (part.kind === "ratio") problems.push(`${field}: "${key}" is itself a ratio; use declarative or SQL metrics`);
    else if (part.statistic === "quantile") problems.push(`${field}: "${key}" is a quantile; a ratio needs per-user values that add up`);
  }
  return problems;
}

/** Checks every loaded definition and keeps those that hold. Files are taken in name order. */
export function buildCatalog(files: readonly LoadedFile[]): MetricCatalog {
  const problems: CatalogProblem[] = [];
  const sources = new Map<string, SourceDefinition>([["events", EVENTS_SOURCE]]);
  // sources and metrics are two namespaces: a metric "orders" may count the source "orders"
  const where = { source: new Map<string, string>([["events", "(built in)"]]), metric: new Map<string, string>() };
  const candidates: { file: string; def: MetricDefinition }[] = [];
  const refused = new Map<string, string>();
  const sorted = [...files].sort((a, b) => a.file.localeCompare(b.file));

  for (const { file, exports } of sorted) {
    if (!Array.isArray(exports)) {
      problems.push({ file, key: null, message: exports.error });
      continue;
    }
    if (exports.length === 0) {
      problems.push({ file, key: null, message: "exports no metric or source (export default defineEventMetric({ … }))" });
      continue;
    }
    for (const value of exports) {
      const key = value && typeof value === "object" && typeof (value as { key?: unknown }).key === "string" ? (value as { key: string }).key : null;
      const r = parseDefinition(value);
      if (!r.ok) {
        problems.push({ file, key, message: r.problems.join("; ") });
        if (key) refused.set(key, `${file}: ${r.problems[0]}`);
        continue;
      }
      const def: Definition = r.definition;
      const names = def.kind === "source" ? where.source : where.metric;
      const taken = names.get(def.key);
      if (taken) {
        problems.push({ file, key: def.key, message: `key: ${def.kind === "source" ? "source" : "metric"} "${def.key}" is already defined in ${taken}` });
        continue;
      }
      names.set(def.key, file);
      if (def.kind === "source") sources.set(def.key, def);
      else candidates.push({ file, def });
    }
  }

  // sources first (metrics name them), then declarative and SQL metrics, then ratios over them
  const metrics = new Map<string, MetricDefinition>();
  const files_ = new Map<string, string>(where.metric);
  for (const { file, def } of candidates) {
    if (def.kind === "ratio") continue;
    const found = def.kind === "events" ? eventMetricProblems(def, sources) : [];
    if (found.length) {
      problems.push({ file, key: def.key, message: found.join("; ") });
      refused.set(def.key, `${file}: ${found[0]}`);
      files_.delete(def.key);
    } else metrics.set(def.key, def);
  }
  for (const { file, def } of candidates) {
    if (def.kind !== "ratio") continue;
    const found = ratioProblems(def, metrics, refused);
    if (found.length) {
      problems.push({ file, key: def.key, message: found.join("; ") });
      files_.delete(def.key);
    } else metrics.set(def.key, def);
  }
  return { sources, metrics, files: files_, problems };
}

/** A catalog from definitions in code (tests, tools): any problem is an error. */
export function catalogOf(definitions: readonly Definition[]): MetricCatalog {
  const catalog = buildCatalog([{ file: "(code)", exports: [...definitions] }]);
  if (catalog.problems.length) throw new Error(catalog.problems.map((p) => `${p.key ?? p.file}: ${p.message}`).join("\n"));
  return catalog;
}

export function problemText(p: CatalogProblem): string {
  return `${p.file}${p.key ? ` (${p.key})` : ""}: ${p.message}`;
}

export class UnknownMetricError extends Error {
  constructor(key: string, catalog: MetricCatalog) {
    const refused = catalog.problems.find((p) => p.key === key);
    super(
      refused
        ? `metric "${key}" is not available: ${problemText(refused)}`
        : `unknown metric "${key}"; registered: ${[...catalog.metrics.keys()].join(", ")}`,
    );
    this.name = "UnknownMetricError";
  }
}

export function getMetric(catalog: MetricCatalog, key: string): MetricDefinition {
  const m = catalog.metrics.get(key);
  if (!m) throw new UnknownMetricError(key, catalog);
  return m;
}

export function getSource(catalog: MetricCatalog, key: string | undefined): SourceDefinition {
  const s = catalog.sources.get(key ?? "events");
  if (!s) throw new Error(`unknown source "${key}"`);
  return s;
}
