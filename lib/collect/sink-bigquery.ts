// Collected items into BigQuery by streaming inserts (tabledata.insertAll) into the dataset's
// exposures and events tables, each row with insertId = its event id: a batch sent again after a
// crash or a failed answer is de-duplicated by BigQuery (best effort, within its window of about a
// minute; the app database's inbox makes a re-sent item a no-op long before it reaches here).
import { BigQuery, type BigQueryOptions } from "@google-cloud/bigquery";
import type { BigQueryConfig } from "@/lib/warehouse/bigquery";
import { WarehouseError } from "@/lib/warehouse/types";
import type { InboxItem } from "./inbox";

/** insertAll takes up to 50,000 rows and ~10 MB per request; collected rows are small. */
const ROWS_PER_REQUEST = 5000;

function clientFor(config: BigQueryConfig): BigQuery {
  const options: BigQueryOptions = { projectId: config.projectId };
  if (config.location) options.location = config.location;
  if (config.apiEndpoint) options.apiEndpoint = config.apiEndpoint;
  if (config.authClient) options.authClient = config.authClient;
  return new BigQuery(options);
}

/** BigQuery's TIMESTAMP takes "2026-11-30 14:05:00.123" as UTC; the row as the table's columns. */
function toJson(item: InboxItem): Record<string, unknown> {
  return { ...item.row };
}

interface InsertFailure {
  errors?: { row?: { insertId?: string }; errors?: { message?: string; reason?: string }[] }[];
  message?: string;
}

function failureMessage(err: unknown): string {
  const e = err as InsertFailure;
  const first = e.errors?.find((x) => x.errors?.length)?.errors?.[0];
  return first ? `${first.reason ?? "error"}: ${first.message ?? ""}`.trim() : (e.message ?? String(err));
}

export async function writeBatchToBigQuery(config: BigQueryConfig, items: readonly InboxItem[]): Promise<void> {
  const dataset = clientFor(config).dataset(config.dataset);
  for (const [table, kind] of [["exposures", "exposure"], ["events", "event"]] as const) {
    const rows = items.filter((i) => i.kind === kind).map((i) => ({ insertId: i.eventId, json: toJson(i) }));
    for (let start = 0; start < rows.length; start += ROWS_PER_REQUEST) {
      try {
        await dataset.table(table).insert(rows.slice(start, start + ROWS_PER_REQUEST), { raw: true, partialRetries: 2 });
      } catch (err) {
        throw new WarehouseError(`streaming ${kind}s into ${config.dataset}.${table} failed: ${failureMessage(err)}`, "bigquery");
      }
    }
  }
}
