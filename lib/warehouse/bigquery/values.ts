/**
 * Pure helpers of the BigQuery adapter: typed query parameters, job labels, row decoding and
 * error classification. No I/O here, so each piece is easy to test on its own.
 */
import type { Row, SqlParams, SqlValue } from "../types";

/** The REST shape of one named query parameter (jobs.insert configuration.query.queryParameters). */
export interface QueryParameter {
  name: string;
  parameterType: { type: "INT64" | "FLOAT64" | "STRING" | "BOOL" };
  parameterValue: { value: string };
}

/** The BigQuery type a parameter value is sent as: safe integers → INT64, other numbers → FLOAT64. */
export function parameterType(name: string, value: SqlValue): QueryParameter["parameterType"]["type"] {
  switch (typeof value) {
    case "string":
      return "STRING";
    case "boolean":
      return "BOOL";
    case "number":
      if (!Number.isFinite(value)) throw new Error(`query parameter @${name} is ${value}; only finite numbers can be sent`);
      return Number.isSafeInteger(value) ? "INT64" : "FLOAT64";
    default:
      throw new Error(`query parameter @${name} has unsupported type ${typeof value}`);
  }
}

/**
 * Every parameter typed explicitly, values as strings (the REST API's representation), so the
 * service never has to guess a type.
 */
export function toQueryParameters(params: SqlParams): QueryParameter[] {
  return Object.entries(params).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid query parameter name "${name}"`);
    const type = parameterType(name, value);
    return { name, parameterType: { type }, parameterValue: { value: String(value) } };
  });
}

const LABEL_MAX = 63;
const MAX_LABELS = 64;

function labelPart(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "_")
    .slice(0, LABEL_MAX);
}

/**
 * Job labels under BigQuery's rules: keys and values lowercase [a-z0-9_-], at most 63
 * characters, keys non-empty and starting with a letter, at most 64 labels.
 */
export function sanitizeLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawKey, rawValue] of Object.entries(labels ?? {})) {
    let key = labelPart(rawKey).replace(/^_+|_+$/g, "");
    if (!key) continue;
    if (!/^[a-z]/.test(key)) key = `l_${key}`.slice(0, LABEL_MAX);
    out[key] = labelPart(String(rawValue));
    if (Object.keys(out).length >= MAX_LABELS) break;
  }
  return out;
}

/** A field of a result schema as the REST API returns it. */
export interface SchemaField {
  name: string;
  type: string;
  mode?: string;
  fields?: SchemaField[];
}

/** ISO string (UTC, millisecond precision like the DuckDB adapter) from whatever the client produced. */
function timestampToIso(v: unknown): string {
  const raw = String((v as { value?: unknown } | null)?.value ?? v);
  let ms: number;
  if (/^-?\d+$/.test(raw)) ms = Number(BigInt(raw) / 1000n); // int64 microseconds
  else if (/^\d{4}-\d{1,2}-\d{1,2}/.test(raw)) ms = Date.parse(raw.replace(" ", "T"));
  else ms = Math.round(Number(raw) * 1000); // float seconds
  if (!Number.isFinite(ms)) throw new Error(`cannot read TIMESTAMP value "${raw}"`);
  return new Date(ms).toISOString();
}

/** The string inside the client's wrapper classes (BigQueryDate, BigQueryDatetime, BigQueryTime, Geography). */
function wrapped(v: unknown): string {
  const inner = (v as { value?: unknown } | null)?.value;
  return String(inner ?? v);
}

function plainScalar(field: SchemaField, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (field.type.toUpperCase()) {
    case "INTEGER":
    case "INT64":
    case "FLOAT":
    case "FLOAT64":
      return Number(v); // a number already, or a BigQueryInt (a Number subclass)
    case "NUMERIC":
    case "BIGNUMERIC":
      return Number(String(v)); // a Big (big.js)
    case "BOOLEAN":
    case "BOOL":
      return v === true || v === "true";
    case "TIMESTAMP":
      return timestampToIso(v);
    case "DATE":
    case "TIME":
    case "GEOGRAPHY":
      return wrapped(v);
    case "DATETIME":
      return wrapped(v).replace(" ", "T");
    case "BYTES":
      return Buffer.isBuffer(v) ? v.toString("base64") : v;
    case "RECORD":
    case "STRUCT":
      return plainRow(field.fields ?? [], v as Record<string, unknown>);
    default: // STRING, JSON, INTERVAL …
      return v;
  }
}

function plainRow(fields: SchemaField[], row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const field of fields) {
    const v = row[field.name];
    out[field.name] =
      field.mode?.toUpperCase() === "REPEATED"
        ? (Array.isArray(v) ? v : []).map((item: unknown) => plainScalar(field, item))
        : plainScalar(field, v);
  }
  return out;
}

/**
 * Rows as the client parsed them, to plain JS, led by the result schema: INT64/NUMERIC/FLOAT64 →
 * number, BOOL → boolean, TIMESTAMP → ISO string (UTC, ms), DATE → "YYYY-MM-DD",
 * DATETIME → "YYYY-MM-DDTHH:MM:SS[.ffffff]", TIME → "HH:MM:SS[.ffffff]", BYTES → base64,
 * NULL → null, REPEATED → arrays, RECORD → objects.
 */
export function plainRows(fields: SchemaField[], rows: Array<Record<string, unknown>>): Row[] {
  return rows.map((r) => plainRow(fields, r));
}

interface ApiErrorLike {
  code?: unknown;
  message?: unknown;
  errors?: Array<{ reason?: unknown; message?: unknown }>;
}

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const TRANSIENT_REASONS = new Set(["rateLimitExceeded", "backendError", "internalError"]);
const TRANSIENT_NETWORK = new Set(["ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "EPIPE"]);

export function errorReasons(err: unknown): string[] {
  const errors = (err as ApiErrorLike | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => (typeof e?.reason === "string" ? e.reason : "")).filter(Boolean);
}

/**
 * Worth retrying: HTTP 429/500/502/503/504, reasons rateLimitExceeded/backendError/internalError,
 * or a dropped connection. Never when any reason says the request itself is wrong (invalidQuery,
 * bytesBilledLimitExceeded, quotaExceeded, accessDenied, notFound, duplicate, stopped …).
 */
export function isTransient(err: unknown): boolean {
  const reasons = errorReasons(err);
  if (reasons.some((r) => !TRANSIENT_REASONS.has(r))) return false;
  if (reasons.some((r) => TRANSIENT_REASONS.has(r))) return true;
  const code = (err as ApiErrorLike | null)?.code;
  if (typeof code === "number") return TRANSIENT_STATUS.has(code);
  if (typeof code === "string") return TRANSIENT_NETWORK.has(code);
  return false;
}

/** BigQuery's own message(s), without the client's "Multiple errors occurred" framing or a stack. */
export function bigQueryMessage(err: unknown): string {
  const e = err as ApiErrorLike | null;
  const messages = new Set<string>();
  if (Array.isArray(e?.errors)) {
    for (const inner of e.errors) if (typeof inner?.message === "string" && inner.message) messages.add(inner.message);
  }
  if (messages.size === 0 && typeof e?.message === "string" && e.message) messages.add(e.message);
  if (messages.size === 0) messages.add(String(err));
  return [...messages].join("; ");
}


/** A non-negative int64 statistic (a string in REST) as a number; null when absent. */
export function int64(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
