/**
 * A tiny stand-in for the BigQuery v2 REST API, enough for the real @google-cloud/bigquery client
 * as our adapter drives it (v8.3.1):
 *
 *   POST /bigquery/v2/projects/{p}/jobs                  jobs.insert (dry run or real query job)
 *   GET  /bigquery/v2/projects/{p}/queries/{jobId}       jobs.getQueryResults (pageToken, maxResults)
 *   GET  /bigquery/v2/projects/{p}/jobs/{jobId}          jobs.get (statistics for QueryStats)
 *   POST /bigquery/v2/projects/{p}/jobs/{jobId}/cancel   jobs.cancel
 *   POST /bigquery/v2/projects/{p}/datasets/{d}/tables/{t}/insertAll   tabledata.insertAll (streaming
 *        inserts: rows kept per table, a row whose insertId the table has seen is dropped, as
 *        BigQuery's best-effort de-duplication does within its window)
 *
 * `BigQuery#createQueryJob` always uses jobs.insert; jobs.query (POST .../queries) is only used by
 * `BigQuery#query`, which the adapter does not call — it is recorded and answered 501 so a test
 * notices if that ever changes.
 *
 * The client builds its base URL as `${apiEndpoint}/bigquery/v2` (apiEndpoint must carry the
 * `http://` prefix, or `https://` is assumed). BIGQUERY_EMULATOR_HOST, if set, would override
 * apiEndpoint entirely, so `start()` refuses to run with it set.
 *
 * Every request is recorded (method, path, route, query string, parsed JSON body) for assertions,
 * and the behaviour is scripted per test: result schema and rows (cells in wire format, i.e. what
 * BigQuery puts in `v`), dry-run bytes, page size, job statistics, polls before completion, and
 * injected errors per route.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThroughClient } from "google-auth-library";
import type { BigQueryConfig } from "@/lib/warehouse/bigquery";

export type Route =
  | "jobs.insert.dryRun"
  | "jobs.insert"
  | "jobs.getQueryResults"
  | "jobs.get"
  | "jobs.cancel"
  | "jobs.query"
  | "tabledata.insertAll"
  | "unknown";

export interface FakeField {
  name: string;
  type: string;
  mode?: "NULLABLE" | "REQUIRED" | "REPEATED";
  fields?: FakeField[];
}

export interface FakeResult {
  fields: FakeField[];
  /** one array of wire-format cells per row (strings, null, nested {f:[…]} for RECORD) */
  rows: unknown[][];
}

export interface FakeStatistics {
  totalBytesProcessed: string;
  totalBytesBilled: string;
  cacheHit: boolean;
  totalSlotMs: string;
}

export interface FakeScript {
  dryRunBytes: number;
  result: FakeResult;
  /** rows per page when the request has no maxResults */
  pageSize: number;
  /** getQueryResults answers jobComplete:false this many times per job (Infinity: never completes) */
  incompletePolls: number;
  /** how long an incomplete getQueryResults is held, like the service's long poll */
  pollDelayMs: number;
  statistics: FakeStatistics;
  /** extra latency per route, e.g. a slow jobs.insert */
  delayMs: Partial<Record<Route, number>>;
}

export interface QueryParameterBody {
  name?: string;
  parameterType?: { type?: string };
  parameterValue?: { value?: unknown };
}

export interface JobInsertBody {
  jobReference?: { projectId?: string; jobId?: string; location?: string };
  configuration?: {
    dryRun?: boolean;
    jobTimeoutMs?: string;
    labels?: Record<string, string>;
    query?: {
      query?: string;
      useLegacySql?: boolean;
      parameterMode?: string;
      queryParameters?: QueryParameterBody[];
      maximumBytesBilled?: string;
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
}

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  route: Route;
  jobId: string | null;
  query: Record<string, string>;
  body: JobInsertBody | null;
}

export interface InjectedError {
  status: number;
  body: unknown;
  /** process the request first (e.g. create the job), then answer with the error: a lost response */
  afterApply?: boolean;
}

/** An error body shaped like Google's: {error: {code, message, errors: [{message, domain, reason}], status}}. */
export function googleError(status: number, reason: string, message: string, extra: Record<string, unknown> = {}): InjectedError {
  const statusName: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
  };
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        errors: [{ message, domain: "global", reason, ...extra }],
        status: statusName[status] ?? "UNKNOWN",
      },
    },
  };
}

interface FakeJob {
  id: string;
  location: string;
  body: JobInsertBody;
  polls: number;
  cancelled: boolean;
  result: FakeResult;
  statistics: FakeStatistics;
}

const BASE = "/bigquery/v2/projects/";

export function defaultScript(): FakeScript {
  return {
    dryRunBytes: 1_000_000,
    result: { fields: [{ name: "x", type: "INTEGER", mode: "NULLABLE" }], rows: [["1"]] },
    pageSize: 1000,
    incompletePolls: 0,
    pollDelayMs: 5,
    statistics: { totalBytesProcessed: "1000000", totalBytesBilled: "10485760", cacheHit: false, totalSlotMs: "1234" },
    delayMs: {},
  };
}

/** One streamed row as the fake keeps it. */
export interface StreamedRow {
  insertId: string | null;
  json: Record<string, unknown>;
}

export class FakeBigQuery {
  readonly requests: RecordedRequest[] = [];
  readonly jobs = new Map<string, FakeJob>();
  /** "dataset.table" → rows streamed in by tabledata.insertAll (after de-duplication by insertId) */
  readonly tables = new Map<string, StreamedRow[]>();
  private readonly insertIds = new Map<string, Set<string>>();
  script: FakeScript;
  private readonly failures = new Map<Route, InjectedError[]>();
  private readonly waiters: Array<{ route: Route; resolve: (r: RecordedRequest) => void }> = [];
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly projectId: string,
    script: Partial<FakeScript>,
  ) {
    this.script = { ...defaultScript(), ...script };
  }

  static async start(projectId = "test-project", script: Partial<FakeScript> = {}): Promise<FakeBigQuery> {
    if (process.env.BIGQUERY_EMULATOR_HOST) {
      throw new Error("unset BIGQUERY_EMULATOR_HOST: the client would send requests there instead of to the fake");
    }
    const server = createServer();
    const fake = new FakeBigQuery(server, projectId, script);
    server.on("request", (req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: 500, message: `fake crashed: ${String(err)}`, errors: [] } }));
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return fake;
  }

  /** What the client needs: `apiEndpoint` with the http:// prefix. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Adapter config pointing the real client at this server, with no credentials involved. */
  config(overrides: Partial<BigQueryConfig> = {}): BigQueryConfig {
    return {
      projectId: this.projectId,
      dataset: "analytics",
      apiEndpoint: this.endpoint,
      authClient: new PassThroughClient(),
      retryBaseDelayMs: 1,
      ...overrides,
    };
  }

  /** The next `times` requests to `route` are answered with `error`. */
  failNext(route: Route, error: InjectedError, times = 1): void {
    const queue = this.failures.get(route) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.failures.set(route, queue);
  }

  requestsTo(route: Route): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  /** Resolves on the next request to `route` (or at once if `alreadySeen` and one was made). */
  waitFor(route: Route, alreadySeen = true): Promise<RecordedRequest> {
    const seen = alreadySeen ? this.requestsTo(route)[0] : undefined;
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ route, resolve }));
  }

  reset(script: Partial<FakeScript> = {}): void {
    this.requests.length = 0;
    this.jobs.clear();
    this.tables.clear();
    this.insertIds.clear();
    this.failures.clear();
    this.script = { ...defaultScript(), ...script };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = raw ? (JSON.parse(raw) as JobInsertBody) : null;
    const method = req.method ?? "GET";
    const { route, jobId } = this.routeOf(method, url.pathname, body);
    const recorded: RecordedRequest = {
      seq: this.seq++,
      method,
      path: url.pathname,
      route,
      jobId,
      query: Object.fromEntries(url.searchParams),
      body,
    };
    this.requests.push(recorded);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w && w.route === route) {
        this.waiters.splice(i, 1);
        w.resolve(recorded);
      }
    }

    const delay = this.script.delayMs[route];
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const injected = this.failures.get(route)?.shift();
    if (injected && !injected.afterApply) return send(res, injected.status, injected.body);
    const [status, payload] = await this.answer(recorded);
    if (injected) return send(res, injected.status, injected.body);
    return send(res, status, payload);
  }

  private routeOf(method: string, pathname: string, body: JobInsertBody | null): { route: Route; jobId: string | null } {
    if (!pathname.startsWith(BASE)) return { route: "unknown", jobId: null };
    const parts = pathname.slice(BASE.length).split("/").map(decodeURIComponent);
    const [project, collection, id, action] = parts;
    if (project !== this.projectId) return { route: "unknown", jobId: null };
    if (method === "POST" && collection === "jobs" && parts.length === 2) {
      return { route: body?.configuration?.dryRun ? "jobs.insert.dryRun" : "jobs.insert", jobId: body?.jobReference?.jobId ?? null };
    }
    if (method === "POST" && collection === "queries" && parts.length === 2) return { route: "jobs.query", jobId: null };
    if (method === "GET" && collection === "queries" && id && parts.length === 3) return { route: "jobs.getQueryResults", jobId: id };
    if (method === "GET" && collection === "jobs" && id && parts.length === 3) return { route: "jobs.get", jobId: id };
    if (method === "POST" && collection === "jobs" && id && action === "cancel" && parts.length === 4) return { route: "jobs.cancel", jobId: id };
    if (method === "POST" && collection === "datasets" && parts[3] === "tables" && parts[5] === "insertAll" && parts.length === 6) {
      return { route: "tabledata.insertAll", jobId: `${id}.${parts[4]}` };
    }
    return { route: "unknown", jobId: null };
  }

  private async answer(r: RecordedRequest): Promise<[number, unknown]> {
    switch (r.route) {
      case "jobs.insert.dryRun":
        return [200, this.dryRunResponse(r.body ?? {})];
      case "jobs.insert":
        return this.insert(r.body ?? {});
      case "jobs.getQueryResults":
        return this.results(r);
      case "jobs.get": {
        const job = this.jobs.get(r.jobId ?? "");
        return job ? [200, this.jobResource(job)] : notFound(this.projectId, r.jobId);
      }
      case "jobs.cancel": {
        const job = this.jobs.get(r.jobId ?? "");
        if (!job) return notFound(this.projectId, r.jobId);
        job.cancelled = true;
        return [200, { kind: "bigquery#jobCancelResponse", job: this.jobResource(job) }];
      }
      case "tabledata.insertAll":
        return this.insertAll(r.jobId ?? "", (r.body ?? {}) as { rows?: StreamedRow[] });
      case "jobs.query":
        return [501, { error: { code: 501, message: "jobs.query is not implemented by the fake", errors: [] } }];
      default:
        return [404, { error: { code: 404, message: `no such endpoint: ${r.method} ${r.path}`, errors: [{ reason: "notFound", message: "not found" }] } }];
    }
  }

  private insertAll(table: string, body: { rows?: StreamedRow[] }): [number, unknown] {
    const rows = this.tables.get(table) ?? [];
    const seen = this.insertIds.get(table) ?? new Set<string>();
    for (const row of body.rows ?? []) {
      if (row.insertId && seen.has(row.insertId)) continue;
      if (row.insertId) seen.add(row.insertId);
      rows.push({ insertId: row.insertId ?? null, json: row.json });
    }
    this.tables.set(table, rows);
    this.insertIds.set(table, seen);
    return [200, { kind: "bigquery#tableDataInsertAllResponse" }];
  }

  private dryRunResponse(body: JobInsertBody): unknown {
    const bytes = String(this.script.dryRunBytes);
    return {
      kind: "bigquery#job",
      jobReference: { projectId: this.projectId, location: body.jobReference?.location ?? "US" },
      configuration: { ...body.configuration, jobType: "QUERY" },
      status: { state: "DONE" },
      statistics: {
        creationTime: String(Date.now()),
        totalBytesProcessed: bytes,
        query: { totalBytesProcessed: bytes, totalBytesBilled: "0", cacheHit: false, statementType: "SELECT" },
      },
    };
  }

  private insert(body: JobInsertBody): [number, unknown] {
    const id = body.jobReference?.jobId;
    if (!id) return [400, { error: { code: 400, message: "jobReference.jobId is required by the fake", errors: [{ reason: "invalid", message: "no job id" }] } }];
    if (this.jobs.has(id)) {
      const msg = `Already Exists: Job ${this.projectId}:${this.jobs.get(id)?.location}.${id}`;
      return [409, googleError(409, "duplicate", msg).body];
    }
    const job: FakeJob = {
      id,
      location: body.jobReference?.location ?? "US",
      body,
      polls: 0,
      cancelled: false,
      result: this.script.result,
      statistics: this.script.statistics,
    };
    this.jobs.set(id, job);
    return [200, { ...this.jobResource(job), status: { state: "RUNNING" } }];
  }

  private complete(job: FakeJob): boolean {
    return !job.cancelled && job.polls >= this.script.incompletePolls;
  }

  private jobResource(job: FakeJob): Record<string, unknown> {
    const done = job.cancelled || this.complete(job);
    const s = job.statistics;
    return {
      kind: "bigquery#job",
      id: `${this.projectId}:${job.location}.${job.id}`,
      jobReference: { projectId: this.projectId, jobId: job.id, location: job.location },
      configuration: { ...job.body.configuration, jobType: "QUERY" },
      status: job.cancelled
        ? { state: "DONE", errorResult: { reason: "stopped", message: "Job execution was cancelled: User requested cancellation" } }
        : { state: done ? "DONE" : "RUNNING" },
      statistics: {
        creationTime: String(Date.now() - 1000),
        startTime: String(Date.now() - 900),
        ...(done ? { endTime: String(Date.now()) } : {}),
        totalBytesProcessed: s.totalBytesProcessed,
        totalSlotMs: s.totalSlotMs,
        query: {
          totalBytesProcessed: s.totalBytesProcessed,
          totalBytesBilled: s.totalBytesBilled,
          cacheHit: s.cacheHit,
          totalSlotMs: s.totalSlotMs,
          statementType: "SELECT",
        },
      },
    };
  }

  private async results(r: RecordedRequest): Promise<[number, unknown]> {
    const job = this.jobs.get(r.jobId ?? "");
    if (!job) return notFound(this.projectId, r.jobId);
    if (job.cancelled) return [400, googleError(400, "stopped", "Job execution was cancelled: User requested cancellation").body];
    const jobReference = { projectId: this.projectId, jobId: job.id, location: job.location };
    if (!this.complete(job)) {
      // a long poll that ends without the job finishing
      job.polls++;
      await new Promise((resolve) => setTimeout(resolve, this.script.pollDelayMs));
      return [200, { kind: "bigquery#getQueryResultsResponse", jobReference, jobComplete: false }];
    }
    const offset = r.query.pageToken ? Number(r.query.pageToken.replace(/^page-/, "")) : 0;
    const size = r.query.maxResults ? Number(r.query.maxResults) : this.script.pageSize;
    const all = job.result.rows;
    const slice = all.slice(offset, offset + size);
    const next = offset + size < all.length ? `page-${offset + size}` : undefined;
    const response: Record<string, unknown> = {
      kind: "bigquery#getQueryResultsResponse",
      jobReference,
      schema: { fields: job.result.fields },
      totalRows: String(all.length),
      jobComplete: true,
      cacheHit: job.statistics.cacheHit,
      totalBytesProcessed: job.statistics.totalBytesProcessed,
    };
    if (slice.length > 0) response.rows = slice.map((cells) => ({ f: cells.map((v) => ({ v })) }));
    if (next) response.pageToken = next;
    return [200, response];
  }
}

function notFound(projectId: string, jobId: string | null): [number, unknown] {
  return [404, googleError(404, "notFound", `Not found: Job ${projectId}:${jobId}`).body];
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
