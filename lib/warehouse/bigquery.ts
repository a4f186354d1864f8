import { randomUUID } from "node:crypto";
import { BigQuery, type BigQueryOptions, type Job, type Query, type QueryResultsOptions } from "@google-cloud/bigquery";
import { bigqueryDialect, type Dialect } from "./dialect";
import {
  bigQueryMessage,
  errorReasons,
  int64,
  isTransient,
  plainRows,
  sanitizeLabels,
  toQueryParameters,
  type SchemaField,
} from "./bigquery/values";
import { config, DEFAULT_BIGQUERY_MAX_BYTES, DEFAULT_BIGQUERY_TIMEOUT_MS, loadConfig } from "../config";
import { formatBytes } from "../format";
import { WarehouseError, type QueryOptions, type QueryResult, type Row, type SqlParams, type Warehouse } from "./types";

export interface BigQueryConfig {
  /** project that runs (and pays for) the jobs, and holds the dataset */
  projectId: string;
  dataset: string;
  /** job location, e.g. "US", "EU", "europe-west1" */
  location?: string;
  /** cap on bytes a query may scan (refused after the dry run) and bill (maximumBytesBilled) */
  maxBytes?: number;
  /** job timeout (jobTimeoutMs); BigQuery cancels the job after it */
  timeoutMs?: number;
  /** e.g. "http://127.0.0.1:9050" for a local fake or emulator; "/bigquery/v2" is appended by the client */
  apiEndpoint?: string;
  /** credentials; Application Default Credentials when absent */
  authClient?: BigQueryOptions["authClient"];
  /** retries of a transient failure (429/5xx, rateLimitExceeded/backendError/internalError) per API call */
  maxRetries?: number;
  /** first backoff delay; doubled per attempt, with jitter (default 500 ms) */
  retryBaseDelayMs?: number;
  /** rows per getQueryResults page (default: the service's choice) */
  pageSize?: number;
}

const DEFAULT_MAX_RETRIES = 4;
const DEFAULT_RETRY_BASE_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 30_000;
/** Extra time allowed past jobTimeoutMs before the client gives up waiting and cancels. */
const CLIENT_GRACE_MS = 60_000;

function required(value: string | undefined, name: string, what: string): string {
  if (!value) throw new Error(`${name} is not set: ${what} (needed with WAREHOUSE=bigquery)`);
  return value;
}

/** BIGQUERY_PROJECT, BIGQUERY_DATASET (required), BIGQUERY_LOCATION, BIGQUERY_MAX_BYTES, BIGQUERY_TIMEOUT_MS, BIGQUERY_API_ENDPOINT. */
export function bigqueryConfigFromEnv(env?: Record<string, string | undefined>): BigQueryConfig {
  const c = env ? loadConfig(env) : config();
  const bq: BigQueryConfig = {
    projectId: required(c.BIGQUERY_PROJECT, "BIGQUERY_PROJECT", "the Google Cloud project that runs the queries"),
    dataset: required(c.BIGQUERY_DATASET, "BIGQUERY_DATASET", "the dataset holding the exposures, events and users tables"),
    maxBytes: c.BIGQUERY_MAX_BYTES,
    timeoutMs: c.BIGQUERY_TIMEOUT_MS,
  };
  if (c.BIGQUERY_LOCATION) bq.location = c.BIGQUERY_LOCATION;
  if (c.BIGQUERY_API_ENDPOINT) bq.apiEndpoint = c.BIGQUERY_API_ENDPOINT;
  return bq;
}

class Aborted extends Error {}
class TimedOut extends WarehouseError {}

/** Pause between polls of a job the service reports as still running (it also holds each call). */
const POLL_PAUSE_MS = 50;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Settles with `p`, or rejects with Aborted as soon as `signal` aborts (the request itself runs on). */
function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new Aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

interface JobStatistics {
  totalBytesProcessed?: string;
  totalSlotMs?: string;
  query?: { totalBytesProcessed?: string; totalBytesBilled?: string; cacheHit?: boolean; totalSlotMs?: string };
}

interface JobResource {
  jobReference?: { jobId?: string; location?: string };
  status?: { state?: string; errorResult?: { reason?: string; message?: string }; errors?: Array<{ reason?: string; message?: string }> };
  statistics?: JobStatistics;
}

interface ResultsPage {
  jobComplete?: boolean;
  pageToken?: string | null;
  schema?: { fields?: SchemaField[] };
}

export class BigQueryWarehouse implements Warehouse {
  readonly kind = "bigquery" as const;
  readonly dialect: Dialect;
  readonly maxBytes: number;
  private readonly client: BigQuery;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;

  constructor(private readonly config: BigQueryConfig) {
    this.dialect = bigqueryDialect({ projectId: config.projectId, dataset: config.dataset });
    this.maxBytes = config.maxBytes ?? DEFAULT_BIGQUERY_MAX_BYTES;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes <= 0) throw new Error(`BIGQUERY_MAX_BYTES must be a positive whole number (got ${this.maxBytes})`);
    this.timeoutMs = config.timeoutMs ?? DEFAULT_BIGQUERY_TIMEOUT_MS;
    this.maxRetries = config.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.retryBaseDelayMs = config.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
    const options: BigQueryOptions = {
      projectId: config.projectId,
      // Our own retry loop decides what is transient; the client's would retry a second time underneath.
      retryOptions: { autoRetry: false, maxRetries: 0 },
    };
    if (config.location) options.location = config.location;
    if (config.apiEndpoint) options.apiEndpoint = config.apiEndpoint;
    if (config.authClient) options.authClient = config.authClient;
    this.client = new BigQuery(options);
  }

  /** The job configuration shared by the dry run and the real run. */
  private queryConfig(sql: string, params: SqlParams): Query {
    const query: Query = {
      query: sql,
      useLegacySql: false,
      parameterMode: "NAMED",
      queryParameters: toQueryParameters(params),
    };
    if (this.config.location) query.location = this.config.location;
    return query;
  }

  /**
   * Runs `call` again after a transient failure, backing off exponentially with jitter. An abort
   * stops the retrying; with `abandonInFlight` it also stops waiting for the call under way.
   */
  private async withRetry<T>(call: (attempt: number) => Promise<T>, signal?: AbortSignal, abandonInFlight = true): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (signal?.aborted) throw new Aborted();
        return await (abandonInFlight ? abortable(call(attempt), signal) : call(attempt));
      } catch (err) {
        if (err instanceof Aborted || attempt >= this.maxRetries || !isTransient(err)) throw err;
        const delay = Math.min(MAX_RETRY_DELAY_MS, this.retryBaseDelayMs * 2 ** attempt);
        await sleep(delay / 2 + Math.random() * (delay / 2), signal);
      }
    }
  }

  private async dryRun(sql: string, params: SqlParams, signal?: AbortSignal): Promise<number | null> {
    const [job] = await this.withRetry(() => this.client.createQueryJob({ ...this.queryConfig(sql, params), dryRun: true }), signal);
    const stats = (job.metadata as JobResource | undefined)?.statistics;
    return int64(stats?.totalBytesProcessed ?? stats?.query?.totalBytesProcessed);
  }

  async estimateBytes(sql: string, params: SqlParams = {}): Promise<number | null> {
    try {
      return await this.dryRun(sql, params);
    } catch (err) {
      throw new WarehouseError(bigQueryMessage(err), "bigquery");
    }
  }

  /**
   * jobs.insert with our own job id, so a retried insert that already went through is recognised
   * (409), and so the job can be cancelled by id. An abort does not abandon an insert under way:
   * its outcome decides whether there is a job to cancel.
   */
  private insertJob(query: Query, jobId: string, signal?: AbortSignal): Promise<Job> {
    return this.withRetry(async (attempt) => {
      try {
        const [job] = await this.client.createQueryJob({ ...query, jobId });
        return job;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (attempt > 0 && code === 409 && errorReasons(err).includes("duplicate")) {
          return this.client.job(jobId, this.config.location ? { location: this.config.location } : undefined);
        }
        throw err;
      }
    }, signal, false);
  }

  /** Waits for the job and reads every page of its result. */
  private async readAll(job: Job, signal: AbortSignal | undefined, deadline: number): Promise<Row[]> {
    const rows: Row[] = [];
    let fields: SchemaField[] | null = null;
    let pageToken: string | undefined;
    for (;;) {
      if (Date.now() > deadline) throw new TimedOut(`BigQuery job ${job.id} did not finish within ${this.timeoutMs} ms`, "bigquery");
      // Only documented jobs.getQueryResults parameters reach the query string (the client forwards
      // unknown options, e.g. skipParsing, to the API); the client parses cells by the schema.
      const options: QueryResultsOptions = { autoPaginate: false, "formatOptions.useInt64Timestamp": true };
      if (pageToken) options.pageToken = pageToken;
      if (this.config.pageSize) options.maxResults = this.config.pageSize;
      const [parsed, , response] = await this.withRetry(() => job.getQueryResults(options), signal);
      const page = (response ?? {}) as ResultsPage;
      if (page.jobComplete === false) {
        // still running: the service held the call up to its own timeout; ask again
        await sleep(POLL_PAUSE_MS, signal);
        continue;
      }
      fields ??= page.schema?.fields ?? [];
      rows.push(...plainRows(fields, parsed as Array<Record<string, unknown>>));
      if (!page.pageToken) return rows;
      pageToken = page.pageToken;
    }
  }

  /** Waits for the insert to settle, then cancels the job by id (best effort: it may not exist, or be done). */
  private async cancel(jobId: string, inserted: Promise<Job>): Promise<void> {
    const job =
      (await inserted.catch(() => null)) ??
      this.client.job(jobId, this.config.location ? { location: this.config.location } : undefined);
    try {
      await job.cancel();
    } catch {
      // nothing to cancel: the insert never went through, or the job has finished
    }
  }

  async query(sql: string, params: SqlParams = {}, options: QueryOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    const { signal } = options;
    const jobId = `xr_${randomUUID().replace(/-/g, "")}`;
    let inserted: Promise<Job> | undefined;
    try {
      if (signal?.aborted) throw new Aborted();
      const estimate = options.estimatedBytes !== undefined ? options.estimatedBytes : await this.dryRun(sql, params, signal);
      if (estimate !== null && estimate > this.maxBytes) {
        throw new WarehouseError(
          `query refused: it would scan ${formatBytes(estimate, 2)} (${estimate} bytes), above BIGQUERY_MAX_BYTES=${this.maxBytes} (${formatBytes(this.maxBytes, 2)}); narrow the date range or raise the cap`,
          "bigquery",
        );
      }
      const query: Query = {
        ...this.queryConfig(sql, params),
        maximumBytesBilled: String(this.maxBytes),
        jobTimeoutMs: this.timeoutMs,
        labels: sanitizeLabels(options.labels),
      };
      inserted = this.insertJob(query, jobId, signal);
      inserted.catch(() => undefined); // observed below; avoid an unhandled rejection if we abort first
      const job = await abortable(inserted, signal);
      const rows = await this.readAll(job, signal, Date.now() + this.timeoutMs + CLIENT_GRACE_MS);
      const [metadata] = await this.withRetry(() => job.getMetadata(), signal);
      const resource = metadata as JobResource;
      const failure = resource.status?.errorResult;
      if (failure) {
        throw Object.assign(new Error(failure.message ?? "BigQuery job failed"), { errors: [failure, ...(resource.status?.errors ?? [])] });
      }
      const stats = resource.statistics ?? {};
      return {
        rows,
        stats: {
          durationMs: Math.round(performance.now() - started),
          bytesProcessed: int64(stats.query?.totalBytesProcessed ?? stats.totalBytesProcessed),
          bytesBilled: int64(stats.query?.totalBytesBilled),
          jobId: resource.jobReference?.jobId ?? job.id ?? jobId,
          cacheHit: typeof stats.query?.cacheHit === "boolean" ? stats.query.cacheHit : null,
          slotMs: int64(stats.query?.totalSlotMs ?? stats.totalSlotMs),
        },
      };
    } catch (err) {
      if (signal?.aborted || err instanceof Aborted) {
        if (inserted) await this.cancel(jobId, inserted);
        throw new WarehouseError(inserted ? `query cancelled (BigQuery job ${jobId} cancelled)` : "query cancelled", "bigquery");
      }
      if (err instanceof WarehouseError) {
        if (err instanceof TimedOut && inserted) await this.cancel(jobId, inserted);
        throw err;
      }
      throw new WarehouseError(bigQueryMessage(err), "bigquery");
    }
  }

  async close(): Promise<void> {
    // the client holds no connections that need closing
  }
}
