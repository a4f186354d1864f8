import type { Dialect } from "@/lib/warehouse/dialect";
import { addDays, format, parseISO } from "date-fns";
import { OTHER_SEGMENT, type SegmentDimension } from "../segments";
import type { AnalysisPlan } from "../analysis-plan";
import type { ParamBinder } from "./params";

export function dayAfter(date: string): string {
  return format(addDays(parseISO(date), 1), "yyyy-MM-dd");
}

export function daysBefore(date: string, days: number): string {
  return format(addDays(parseISO(date), -days), "yyyy-MM-dd");
}

/**
 * Segment dimensions read from the exposure log: a user's platform and country at their first
 * exposure (MIN_BY on both engines), which is where the experiment met them; later exposures on
 * another device do not move them to another slice. Exposures at the very same instant on two
 * platforms would leave the choice between them to the engine.
 */
const EXPOSURE_DIMENSIONS = ["platform", "country"] as const;

/**
 * CTEs `first_exposure` (every exposed user: first exposure time, variant, whether seen in several variants)
 * and `cohort` (users seen in exactly one variant, with their own metric window and, when the plan
 * has segments, one seg_<dimension> column each, capped to the top N values plus "other").
 * "Several variants" is MIN(variant) < MAX(variant): the same answer as COUNT(DISTINCT variant) > 1
 * without a distinct hash table per user (every statement of an analysis builds this cohort).
 */
export function cohortCtes(plan: AnalysisPlan, d: Dialect, p: ParamBinder): string[] {
  const variants = plan.variants.map((v, i) => p.bind(`variant_${i}`, v)).join(", ");
  const windowEnd = `CAST(${p.bind("analysis_end", `${dayAfter(plan.endDate)} 00:00:00`)} AS TIMESTAMP)`;
  const ownWindowEnd =
    plan.windowDays === null
      ? windowEnd
      : `LEAST(${d.addDays("MIN(exposed_at)", p.bind("window_days", plan.windowDays))}, ${windowEnd})`;
  const fromExposures = EXPOSURE_DIMENSIONS.filter((dim) => plan.segments.includes(dim));
  const ctes = [
    `first_exposure AS (
  SELECT
    user_id,
    MIN(exposed_at) AS window_start,
    ${ownWindowEnd} AS window_end,
    MIN(variant) AS variant,
    MIN(variant) < MAX(variant) AS several_variants${fromExposures.map((dim) => `,
    MIN_BY(${dim}, exposed_at) AS ${dim}`).join("")}
  FROM ${d.table(plan.exposureTable)}
  WHERE experiment_id = ${p.bind("experiment_key", plan.experimentKey)}
    AND event_date BETWEEN CAST(${p.bind("start_date", plan.startDate)} AS DATE) AND CAST(${p.bind("end_date", plan.endDate)} AS DATE)
    AND variant IN (${variants})
  GROUP BY user_id
)`,
  ];
  for (const dim of fromExposures) {
    ctes.push(`top_${dim} AS (
  SELECT ${dim}
  FROM first_exposure
  WHERE NOT several_variants AND ${dim} IS NOT NULL
  GROUP BY ${dim}
  ORDER BY COUNT(*) DESC, ${dim}
  LIMIT ${p.bind("segment_limit", plan.segmentLimit)}
)`);
  }
  const segmentColumns = plan.segments.map((dim) => `,
    ${segmentExpression(dim, plan, p)} AS seg_${dim}`).join("");
  const joinUsers = plan.segments.includes("user_type") ? `
  LEFT JOIN ${d.table("users")} u ON u.user_id = f.user_id` : "";
  ctes.push(`cohort AS ${d.inlineCte}(
  SELECT f.user_id, f.variant, f.window_start, f.window_end${segmentColumns}
  FROM first_exposure f${joinUsers}
  WHERE NOT f.several_variants
)`);
  return ctes;
}

function segmentExpression(dim: SegmentDimension, plan: AnalysisPlan, p: ParamBinder): string {
  if (dim === "user_type") {
    return `CASE WHEN u.signup_date IS NULL THEN ${p.bind("segment_unknown", "unknown")}
         WHEN u.signup_date >= CAST(${p.bind("start_date", plan.startDate)} AS DATE) THEN ${p.bind("segment_new", "new")}
         ELSE ${p.bind("segment_existing", "existing")} END`;
  }
  return `CASE WHEN f.${dim} IN (SELECT ${dim} FROM top_${dim}) THEN f.${dim} ELSE ${p.bind("segment_other", OTHER_SEGMENT)} END`;
}
