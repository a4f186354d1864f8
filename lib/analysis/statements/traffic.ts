import type { Dialect } from "@/lib/warehouse/dialect";
import type { Row } from "@/lib/warehouse/types";
import { differenceInCalendarDays, parseISO } from "date-fns";
import type { AnalysisPlan } from "../analysis-plan";
import { cohortCtes } from "./cohort";
import { col, num, readRows, str, type ColumnSpec } from "./columns";
import { ParamBinder } from "./params";
import type { Statement } from "./statement";

/**
 * Stored with a snapshot: the analysed users (the cohort: users seen in one variant only) by the
 * calendar day of their first exposure and variant. Daily and cumulative traffic, the daily split
 * and the current rate of new users (for "days left") are all derived from these counts.
 */
export interface TrafficStats {
  startDate: string;
  /** days from the start date to the analysis' end date, inclusive */
  days: number;
  /** x: days since the start date; only days with users are listed */
  points: { x: number; users: Record<string, number> }[];
}

export function trafficColumns(): ColumnSpec[] {
  return [
    { name: col.day, kind: "number" },
    { name: col.variant, kind: "string" },
    { name: col.users, kind: "number" },
  ];
}

function decodeTraffic(rows: readonly Row[], plan: AnalysisPlan, days: number): TrafficStats {
  const byDay = new Map<number, TrafficStats["points"][number]>();
  for (const row of readRows("traffic", rows, trafficColumns())) {
    const x = num(row, col.day);
    const variant = str(row, col.variant);
    if (!plan.variants.includes(variant)) throw new Error(`traffic statement: the warehouse returned an unplanned variant: ${variant}`);
    if (!Number.isInteger(x) || x < 0 || x >= days) throw new Error(`traffic statement: day ${x} lies outside the analysis' ${days} days`);
    const point = byDay.get(x) ?? { x, users: {} };
    point.users[variant] = (point.users[variant] ?? 0) + num(row, col.users);
    byDay.set(x, point);
  }
  return { startDate: plan.startDate, days, points: [...byDay.values()].sort((a, b) => a.x - b.x) };
}

/** Users first exposed per calendar day and variant: one scan of the exposure table, days × variants rows. */
export function buildTraffic(plan: AnalysisPlan, d: Dialect): Statement<TrafficStats> {
  const p = new ParamBinder(d);
  const days = differenceInCalendarDays(parseISO(plan.endDate), parseISO(plan.startDate)) + 1;
  const ctes = cohortCtes({ ...plan, segments: [] }, d, p);
  const start = `CAST(${p.bind("start_date", plan.startDate)} AS TIMESTAMP)`;
  ctes.push(`traffic_days AS (
  SELECT ${d.daysBetween("c.window_start", start)} AS day, c.variant
  FROM cohort c
)`);
  const sql = `WITH
${ctes.join(",\n")}
SELECT
  t.day AS ${col.day},
  t.variant AS ${col.variant},
  COUNT(*) AS ${col.users}
FROM traffic_days t
GROUP BY t.day, t.variant
ORDER BY t.day, t.variant`;
  return {
    kind: "traffic",
    name: "traffic",
    title: "users first exposed per day and variant",
    sql,
    params: p.values,
    columns: trafficColumns(),
    decode: (rows) => decodeTraffic(rows, plan, days),
  };
}
