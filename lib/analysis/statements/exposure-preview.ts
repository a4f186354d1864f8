import type { Dialect } from "@/lib/warehouse/dialect";
import type { Row } from "@/lib/warehouse/types";
import { col, num, readRows, type ColumnSpec } from "./columns";
import { ParamBinder } from "./params";
import type { Statement } from "./statement";

/** What the experiment form asks the warehouse before saving: its exposure source, key and dates. */
export interface ExposurePreviewInput {
  exposureTable: string;
  experimentKey: string;
  startDate: string; // YYYY-MM-DD inclusive
  endDate: string; // YYYY-MM-DD inclusive
}

export interface ExposurePreview {
  /** every variant value logged for the key in those dates (not only the form's), most users first */
  variants: { variant: string | null; users: number; exposures: number }[];
  /** more variant values than listed */
  truncated: boolean;
}

/** The most variant values listed: a key logged with hundreds of them is a mistake to show, not to page through. */
export const PREVIEW_VARIANT_LIMIT = 50;

export function exposurePreviewColumns(): ColumnSpec[] {
  return [
    { name: col.variant, kind: "nullable string" },
    { name: col.users, kind: "number" },
    { name: col.exposures, kind: "number" },
  ];
}

function decodePreview(rows: readonly Row[]): ExposurePreview {
  const checked = readRows("exposure preview", rows, exposurePreviewColumns());
  const variants = checked.slice(0, PREVIEW_VARIANT_LIMIT).map((r) => ({
    variant: r[col.variant] as string | null,
    users: num(r, col.users),
    exposures: num(r, col.exposures),
  }));
  return { variants, truncated: checked.length > PREVIEW_VARIANT_LIMIT };
}

/**
 * Exposed users (distinct) and exposure rows per logged variant value, for one exposure key and
 * date range: one scan of the exposure table's partitions in range, at most 51 rows back.
 */
export function buildExposurePreview(input: ExposurePreviewInput, d: Dialect): Statement<ExposurePreview> {
  const p = new ParamBinder(d);
  const sql = `SELECT
  variant AS ${col.variant},
  COUNT(DISTINCT user_id) AS ${col.users},
  COUNT(*) AS ${col.exposures}
FROM ${d.table(input.exposureTable)}
WHERE experiment_id = ${p.bind("experiment_key", input.experimentKey)}
  AND event_date BETWEEN CAST(${p.bind("start_date", input.startDate)} AS DATE) AND CAST(${p.bind("end_date", input.endDate)} AS DATE)
GROUP BY variant
ORDER BY ${col.users} DESC, variant
LIMIT ${p.bind("variant_limit", PREVIEW_VARIANT_LIMIT + 1)}`;
  return {
    kind: "exposure-preview",
    name: "exposure-preview",
    title: "exposures per variant for the experiment's key and dates",
    sql,
    params: p.values,
    columns: exposurePreviewColumns(),
    decode: decodePreview,
  };
}
