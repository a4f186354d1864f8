import { getSource, valueColumn } from "@/lib/metrics/catalog";
import type { EventMetric } from "@/lib/metrics/define";
import { assertIdentifier, type Dialect } from "@/lib/warehouse/dialect";
import type { Row } from "@/lib/warehouse/types";
import type { AnalysisPlan } from "../analysis-plan";
import { sliceId, type SegmentDimension } from "../segments";
import type { QuantileSummary } from "../sums";
import { cohortCtes } from "./cohort";
import { col, num, numOrNull, readRows, str, type ColumnSpec } from "./columns";
import { ParamBinder } from "./params";
import { eligibleExpression, perUserFragment, rowCondition, sourceDateRange, windowCondition } from "./per-user";
import type { Statement } from "./statement";

/**
 * One quantile metric's statement. Quantiles do not add up across cells, so this statement
 * returns them per variant × slice (the whole population and each segment value) directly, from
 * one scan of the metric's source: the rows are repeated once per slice dimension and ranked
 * within (variant, dimension, value).
 *
 * The sample p-quantile is the order statistic x₍k₎ with k = max(1, ⌈n·p⌉) (the inverse of the
 * empirical distribution function). Its confidence bracket takes the order statistics at the
 * levels p ∓ z·√(p(1−p)/n*), clamped to [0, 1] (Deng, Knoblich & Lu 2018, "Applying the Delta
 * Method in Metric Analytics", §4; z = BRACKET_Z). For user-level quantiles n* = n (users). For
 * event-level quantiles the rows of one user are correlated, so n* = p(1−p)/Var̂(p̂), where
 * p̂ = ΣI_u/ΣM_u (I_u: the user's rows at or below the estimate, M_u: the user's rows) and Var̂(p̂)
 * is its delta-method variance over users: (σ²_I − 2p̂σ_IM + p̂²σ²_M)/(U·M̄²).
 */

export const BRACKET_Z = 1.96;

export interface QuantileResult {
  metric: string;
  /** per slice id, per variant */
  slices: Record<string, Record<string, QuantileSummary>>;
}

type QuantileMetric = EventMetric & { statistic: "quantile"; quantile: number };

function level(m: EventMetric): "user" | "event" {
  return m.level ?? "user";
}

export function quantileColumns(m: EventMetric): ColumnSpec[] {
  const q = col.quantile;
  const spec: ColumnSpec[] = [
    { name: col.variant, kind: "string" },
    { name: col.dimension, kind: "string" },
    { name: col.sliceValue, kind: "nullable string" },
    { name: q.n, kind: "number" },
    { name: q.users, kind: "number" },
    { name: q.estimate, kind: "nullable number" },
    { name: q.lower, kind: "nullable number" },
    { name: q.upper, kind: "nullable number" },
    { name: q.effectiveN, kind: "nullable number" },
  ];
  if (level(m) === "event") {
    for (const name of [q.sumI, q.sumII, q.sumMM, q.sumIM]) spec.push({ name, kind: "number" });
  }
  return spec;
}

/** The rank of the sample quantile at `levelExpr` among `nExpr` sorted values (1-based). */
function rankAt(nExpr: string, levelExpr: string, d: Dialect): string {
  // the epsilon keeps n·p = 9.000000000000002 at rank 9; the brute force in the tests does the same
  return `GREATEST(1, CAST(CEIL(${nExpr} * ${levelExpr} - 0.000000001) AS ${d.intType}))`;
}

export function buildQuantile(m: EventMetric, plan: AnalysisPlan, d: Dialect): Statement<QuantileResult> {
  if (m.statistic !== "quantile" || m.quantile === undefined) throw new Error(`metric ${m.key} is not a quantile metric`);
  const qm = m as QuantileMetric;
  const p = new ParamBinder(d);
  const f = d.floatType;
  const source = getSource(plan.catalog, m.source);
  const ctes = cohortCtes(plan, d, p);
  const segs = plan.segments.map((dim) => `c.${col.segment(dim)}`);
  const eligible = eligibleExpression(m, "c", d, p);
  const pLevel = `CAST(${p.bind("quantile_level", qm.quantile)} AS ${f})`;
  const z = `CAST(${p.bind("bracket_z", BRACKET_Z)} AS ${f})`;
  const byEvent = level(m) === "event";

  if (byEvent) {
    const s = "s";
    const column = valueColumn(m, source);
    if (!column) throw new Error(`metric ${m.key}: no column to take quantiles of`);
    const v = `${s}.${assertIdentifier(column, "column")}`;
    const rows = rowCondition(m, source, s, p);
    ctes.push(`q_values AS (
  -- every row the metric selects, in the user's window, with its value
  SELECT c.user_id, c.variant${segs.map((x) => `, ${x}`).join("")}, CAST(${v} AS ${f}) AS v
  FROM cohort c
  JOIN ${d.table(source.table)} ${s} ON ${s}.${assertIdentifier(source.userId, "user id column")} = c.user_id
  WHERE ${sourceDateRange(s, source, plan, p, 0)}
    AND ${windowCondition(m, source, s, "c", d, p)}
    AND ${s}.${assertIdentifier(source.timestamp, "timestamp column")} < c.window_end
    AND ${v} IS NOT NULL${rows ? `\n    AND ${rows}` : ""}${eligible ? `\n    AND ${eligible} = 1` : ""}
)`);
  } else {
    const fragment = perUserFragment(source, [m], plan, d, p, { covariates: false });
    ctes.push(...fragment.ctes);
    const value = `CAST(COALESCE(pu.${col.metric(m.key, "value")}, 0) AS ${f})`;
    const where = [eligible ? `${eligible} = 1` : "", m.ignoreZeros ? `${value} <> 0` : ""].filter(Boolean);
    ctes.push(`q_values AS (
  -- one value per cohort user (zero when the user has no rows)
  SELECT c.user_id, c.variant${segs.map((x) => `, ${x}`).join("")}, ${value} AS v
  FROM cohort c
  LEFT JOIN ${fragment.relation} pu ON pu.user_id = c.user_id${where.length ? `\n  WHERE ${where.join("\n    AND ")}` : ""}
)`);
  }

  // each value once per slice dimension: the whole population, then each segment
  const dims: ("all" | SegmentDimension)[] = ["all", ...plan.segments];
  const dimParam = new Map(dims.map((dim) => [dim, p.bind(`slice_${dim}`, dim)]));
  const sliceValue = `CASE s.dimension ${dims.map((dim) => `WHEN ${dimParam.get(dim)} THEN ${dim === "all" ? dimParam.get("all") : `q.${col.segment(dim)}`}`).join(" ")} END`;
  const group = "variant, dimension, slice_value";
  ctes.push(
    `q_dimensions AS (
  ${dims.map((dim) => `SELECT ${dimParam.get(dim)} AS dimension`).join("\n  UNION ALL ")}
)`,
    `q_sliced AS (
  SELECT q.user_id, q.variant, s.dimension, ${sliceValue} AS slice_value, q.v
  FROM q_values q
  CROSS JOIN q_dimensions s
)`,
    `q_ranked AS (
  SELECT user_id, variant, dimension, slice_value, v,
    ROW_NUMBER() OVER (PARTITION BY ${group} ORDER BY v) AS r,
    COUNT(*) OVER (PARTITION BY ${group}) AS n
  FROM q_sliced
)`,
  );

  const q = col.quantile;
  let levels: string;
  let extra = "";
  if (byEvent) {
    ctes.push(
      `q_estimate AS (
  SELECT user_id, variant, dimension, slice_value, v, r, n,
    MIN(CASE WHEN r = ${rankAt("n", pLevel, d)} THEN v END) OVER (PARTITION BY ${group}) AS estimate
  FROM q_ranked
)`,
      `q_user AS (
  -- per user: rows at or below the estimate (I) and rows (M); user_row = 1 on one row per user
  SELECT variant, dimension, slice_value, v, r, n, estimate,
    SUM(CASE WHEN v <= estimate THEN 1 ELSE 0 END) OVER (PARTITION BY ${group}, user_id) AS i_u,
    COUNT(*) OVER (PARTITION BY ${group}, user_id) AS m_u,
    ROW_NUMBER() OVER (PARTITION BY ${group}, user_id ORDER BY v) AS user_row
  FROM q_estimate
)`,
      `q_sums AS (
  SELECT variant, dimension, slice_value, v, r, n,
    SUM(CASE WHEN user_row = 1 THEN 1 ELSE 0 END) OVER (PARTITION BY ${group}) AS users,
    CAST(SUM(CASE WHEN user_row = 1 THEN i_u ELSE 0 END) OVER (PARTITION BY ${group}) AS ${f}) AS sum_i,
    CAST(SUM(CASE WHEN user_row = 1 THEN i_u * i_u ELSE 0 END) OVER (PARTITION BY ${group}) AS ${f}) AS sum_ii,
    CAST(SUM(CASE WHEN user_row = 1 THEN m_u * m_u ELSE 0 END) OVER (PARTITION BY ${group}) AS ${f}) AS sum_mm,
    CAST(SUM(CASE WHEN user_row = 1 THEN i_u * m_u ELSE 0 END) OVER (PARTITION BY ${group}) AS ${f}) AS sum_im
  FROM q_user
)`,
      `q_moments AS (
  -- sample (co)variances over users of I and M, and p̂ = ΣI / ΣM
  SELECT variant, dimension, slice_value, v, r, n, users, sum_i, sum_ii, sum_mm, sum_im,
    sum_i / n AS p_hat,
    n / users AS m_bar,
    (sum_ii - sum_i * sum_i / users) / NULLIF(users - 1, 0) AS var_i,
    (sum_mm - n * n / users) / NULLIF(users - 1, 0) AS var_m,
    (sum_im - sum_i * n / users) / NULLIF(users - 1, 0) AS cov_im
  FROM q_sums
)`,
      `q_effective AS (
  SELECT variant, dimension, slice_value, v, r, n, users, sum_i, sum_ii, sum_mm, sum_im,
    ${pLevel} * (1 - ${pLevel}) / NULLIF((var_i - 2 * p_hat * cov_im + p_hat * p_hat * var_m) / (users * m_bar * m_bar), 0) AS effective_n
  FROM q_moments
)`,
    );
    levels = "q_effective";
    extra = `,
  ${[q.sumI, q.sumII, q.sumMM, q.sumIM].map((c) => `CAST(MAX(${c}) AS ${f}) AS ${c}`).join(",\n  ")}`;
  } else {
    ctes.push(`q_effective AS (
  SELECT variant, dimension, slice_value, v, r, n, n AS users, CAST(n AS ${f}) AS effective_n
  FROM q_ranked
)`);
    levels = "q_effective";
  }
  const bracket = (sign: "-" | "+") => `LEAST(1, GREATEST(0, ${pLevel} ${sign} ${z} * SQRT(${pLevel} * (1 - ${pLevel}) / effective_n)))`;
  ctes.push(`q_levels AS (
  SELECT variant, dimension, slice_value, v, r, n, users, effective_n${byEvent ? `, ${[q.sumI, q.sumII, q.sumMM, q.sumIM].join(", ")}` : ""},
    ${rankAt("n", pLevel, d)} AS rank_estimate,
    CASE WHEN effective_n > 0 THEN ${rankAt("n", bracket("-"), d)} END AS rank_lower,
    CASE WHEN effective_n > 0 THEN ${rankAt("n", bracket("+"), d)} END AS rank_upper
  FROM ${levels}
)`);
  const sql = `WITH
${ctes.join(",\n")}
SELECT
  variant AS ${col.variant},
  dimension AS ${col.dimension},
  slice_value AS ${col.sliceValue},
  CAST(MAX(n) AS ${f}) AS ${q.n},
  CAST(MAX(users) AS ${f}) AS ${q.users},
  CAST(MIN(CASE WHEN r = rank_estimate THEN v END) AS ${f}) AS ${q.estimate},
  CAST(MIN(CASE WHEN r = rank_lower THEN v END) AS ${f}) AS ${q.lower},
  CAST(MIN(CASE WHEN r = rank_upper THEN v END) AS ${f}) AS ${q.upper},
  CAST(MAX(CASE WHEN effective_n > 0 THEN effective_n END) AS ${f}) AS ${q.effectiveN}${extra}
FROM q_levels
GROUP BY variant, dimension, slice_value
ORDER BY variant, dimension, slice_value`;

  const columns = quantileColumns(m);
  return {
    kind: "quantile",
    name: `quantile:${m.key}`,
    title: `${m.key}: ${level(m)}-level p${Math.round(qm.quantile * 1000) / 10} per variant and slice`,
    sql,
    params: p.values,
    columns,
    decode: (rawRows: readonly Row[]): QuantileResult => {
      const slices: QuantileResult["slices"] = {};
      for (const r of readRows(`${m.key} quantile`, rawRows, columns)) {
        const variant = str(r, col.variant);
        if (!plan.variants.includes(variant)) throw new Error(`${m.key} quantile statement: the warehouse returned an unplanned variant: ${variant}`);
        const dimension = str(r, col.dimension);
        if (dimension !== "all" && !plan.segments.includes(dimension as SegmentDimension)) {
          throw new Error(`${m.key} quantile statement: unexpected slice dimension "${dimension}"`);
        }
        const id = dimension === "all" ? "all" : sliceId(dimension as SegmentDimension, (r[col.sliceValue] as string | null) ?? "(none)");
        (slices[id] ??= {})[variant] = {
          n: num(r, q.n),
          users: num(r, q.users),
          quantile: {
            level: qm.quantile,
            estimate: numOrNull(r, q.estimate),
            lower: numOrNull(r, q.lower),
            upper: numOrNull(r, q.upper),
            bracketZ: BRACKET_Z,
            effectiveN: numOrNull(r, q.effectiveN),
          },
        };
      }
      return { metric: m.key, slices };
    },
  };
}
