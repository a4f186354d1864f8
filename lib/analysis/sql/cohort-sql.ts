import type { Dialect } from "@/lib/warehouse/dialect";
import { addDays, format, parseISO } from "date-fns";
import type { AnalysisPlan } from "./analysis-plan";
import type { ParamBinder } from "./params";

export function dayAfter(date: string): string {
  return format(addDays(parseISO(date), 1), "yyyy-MM-dd");
}

export function daysBefore(date: string, days: number): string {
  return format(addDays(parseISO(date), -days), "yyyy-MM-dd");
}

/**
 * CTEs `first_exposure` (every exposed user: first exposure time, variant, how many variants seen)
 * and `cohort` (users seen in exactly one variant, with their own metric window).
 */
export function cohortCtes(plan: AnalysisPlan, d: Dialect, p: ParamBinder): string[] {
  const variants = plan.variants.map((v, i) => p.bind(`variant_${i}`, v)).join(", ");
  const windowEnd = `CAST(${p.bind("analysis_end", `${dayAfter(plan.endDate)} 00:00:00`)} AS TIMESTAMP)`;
  const ownWindowEnd =
    plan.windowDays === null
      ? windowEnd
      : `LEAST(${d.addDays("MIN(exposed_at)", p.bind("window_days", plan.windowDays))}, ${windowEnd})`;
  return [
    `first_exposure AS (
  SELECT
    user_id,
    MIN(exposed_at) AS window_start,
    ${ownWindowEnd} AS window_end,
    MIN(variant) AS variant,
    COUNT(DISTINCT variant) AS variant_count
  FROM ${d.table(plan.exposureTable)}
  WHERE experiment_id = ${p.bind("experiment_key", plan.experimentKey)}
    AND event_date BETWEEN CAST(${p.bind("start_date", plan.startDate)} AS DATE) AND CAST(${p.bind("end_date", plan.endDate)} AS DATE)
    AND variant IN (${variants})
  GROUP BY user_id
)`,
    `cohort AS (
  SELECT user_id, variant, window_start, window_end
  FROM first_exposure
  WHERE variant_count = 1
)`,
  ];
}
