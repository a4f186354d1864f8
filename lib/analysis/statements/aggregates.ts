import { getSource } from "@/lib/metrics/catalog";
import type { EventMetric, MetricDefinition } from "@/lib/metrics/define";
import type { Dialect } from "@/lib/warehouse/dialect";
import type { Row } from "@/lib/warehouse/types";
import type { AnalysisPlan } from "../analysis-plan";
import type { SegmentDimension } from "../segments";
import type { CovariateSums, MeanSums, RatioCovariateSums, RatioSums } from "../sums";
import { cappedValuesCte, isCapped } from "./capping";
import { cohortCtes } from "./cohort";
import { col, num, readRows, str, type ColumnSpec, type MetricField } from "./columns";
import { isQuantile, measuredMetrics, ratioParts, type Measured } from "./measures";
import { ParamBinder } from "./params";
import { eligibleExpression, perUserFragment } from "./per-user";
import { preCohortCte, sqlMetricColumns, sqlMetricRelations } from "./sql-metric";
import type { Statement } from "./statement";

/**
 * The aggregates statement: the cohort, one per-user pass per source (all declarative metrics of
 * that source together), free-SQL metrics, zero-filled per user, capped where a metric says so,
 * then grouped by variant and every segment column: one row per variant and combination of
 * segment values (platform and country capped to the top N + "other", user type at most three
 * values), so the rows stay in the hundreds, never per user.
 * Every statistic is a sum, so the whole population and each segment slice are sums of these
 * cells, added up in code. One more grouping column, `placebo_half`, splits every cell in two by
 * a salted hash of the user id: the control's two halves are the placebo A/A check. (GROUPING SETS would return the slices directly, but on DuckDB its
 * extra hash tables share the memory limit with the source joins, which then spill: 2× slower
 * at 5M users.)
 */

/** The statistics of one metric in one cell: sums that add up across cells. */
export type CellMetric = ({ type: "mean" | "proportion" } & MeanSums) | ({ type: "ratio" } & RatioSums);

export interface AggregateCell {
  variant: string;
  /** which half of the placebo split (a hash of the user id) the cell's users are in */
  half: 0 | 1;
  /** the cell's value of each planned segment dimension */
  segments: Partial<Record<SegmentDimension, string>>;
  users: number;
  metrics: Record<string, CellMetric>;
}

export interface AggregatesResult {
  excludedUsers: number;
  cells: AggregateCell[];
}

/** A ratio's CUPED columns: pre-exposure numerator mp and denominator dp, and their products with the post-exposure m and d. */
const RATIO_COVARIATE_FIELDS = ["mpsum", "mpsumsq", "dpsum", "dpsumsq", "mpdpsum", "mmpsum", "mdpsum", "dmpsum", "ddpsum"] as const satisfies readonly MetricField[];

/** The result columns of one reported metric, by its type. */
function metricFields(m: MetricDefinition, covariates: boolean): MetricField[] {
  if (m.kind === "ratio") {
    const fields: MetricField[] = ["n", "sum", "sumsq", "dsum", "dsumsq", "prodsum"];
    return covariates ? [...fields, ...RATIO_COVARIATE_FIELDS] : fields;
  }
  const fields: MetricField[] = m.statistic === "proportion" ? ["n", "sum"] : ["n", "sum", "sumsq"];
  return covariates ? [...fields, "xsum", "xsumsq", "xysum"] : fields;
}

function reported(plan: AnalysisPlan): MetricDefinition[] {
  return plan.metrics.filter((m) => !isQuantile(m));
}

export function aggregateColumns(plan: AnalysisPlan): ColumnSpec[] {
  const covariates = plan.covariateLookbackDays > 0;
  return [
    { name: col.variant, kind: "string" },
    ...plan.segments.map((dim) => ({ name: col.segment(dim), kind: "nullable string" as const })),
    { name: col.placeboHalf, kind: "number" },
    { name: col.users, kind: "number" },
    { name: col.excludedUsers, kind: "number" },
    ...reported(plan).flatMap((m) => metricFields(m, covariates).map((f) => ({ name: col.metric(m.key, f), kind: "number" as const }))),
  ];
}

/** CTE `user_values`: one row per cohort user, every measured metric's value, hit, covariate and eligibility. */
function userValues(plan: AnalysisPlan, d: Dialect, p: ParamBinder): { ctes: string[]; columns: string[] } {
  const measured = measuredMetrics(plan);
  const ctes: string[] = [];
  const joins: string[] = [];
  const columns = ["c.user_id AS user_id", "c.variant AS variant", ...plan.segments.map((dim) => `c.${col.segment(dim)} AS ${col.segment(dim)}`)];

  // one per-user pass per source, for all its declarative metrics
  const bySource = new Map<string, { metrics: EventMetric[]; covariate: boolean }>();
  for (const { metric, covariate } of measured) {
    if (metric.kind !== "events") continue;
    const key = metric.source ?? "events";
    const entry = bySource.get(key) ?? { metrics: [], covariate: false };
    entry.metrics.push(metric);
    entry.covariate ||= covariate;
    bySource.set(key, entry);
  }
  const relationOf = new Map<string, string>();
  for (const [key, { metrics, covariate }] of bySource) {
    const fragment = perUserFragment(getSource(plan.catalog, key), metrics, plan, d, p, { covariates: covariate });
    ctes.push(...fragment.ctes);
    joins.push(`LEFT JOIN ${fragment.relation} ON ${fragment.relation}.user_id = c.user_id`);
    for (const m of metrics) relationOf.set(m.key, fragment.relation);
  }
  const sqlMetrics = measured.filter((x) => x.metric.kind === "sql");
  if (sqlMetrics.some((x) => x.covariate)) ctes.push(preCohortCte(plan, d, p));

  // a ratio's covariate is its parts' pre-exposure values, also for a part whose own covariate is a pre-exposure hit
  const partsOfRatios = new Set(plan.metrics.flatMap((m) => (m.kind === "ratio" ? [m.numerator, m.denominator] : [])));
  for (const { metric: m, covariate } of measured) {
    let value: string, hit: string, pre: string | null;
    let preValue: string | null = null;
    let eligible: string | null = null;
    if (m.kind === "events") {
      const rel = relationOf.get(m.key)!;
      value = `COALESCE(${rel}.${col.metric(m.key, "value")}, 0)`;
      hit = `COALESCE(${rel}.${col.metric(m.key, "hit")}, 0)`;
      pre = covariate ? `COALESCE(${rel}.${col.metric(m.key, m.statistic === "proportion" ? "pre_hit" : "pre_value")}, 0)` : null;
      if (covariate && m.statistic === "proportion") preValue = `COALESCE(${rel}.${col.metric(m.key, "pre_value")}, 0)`;
      eligible = eligibleExpression(m, "c", d, p);
    } else {
      const rel = sqlMetricRelations(m, plan, d, p, { covariates: covariate });
      ctes.push(...rel.ctes);
      const names = sqlMetricColumns(m);
      joins.push(`LEFT JOIN ${rel.main} ON ${rel.main}.user_id = c.user_id`);
      value = `COALESCE(${rel.main}.${names.n}, 0)`;
      hit = `COALESCE(${rel.main}.${names.pct}, 0)`;
      pre = null;
      if (rel.pre) {
        joins.push(`LEFT JOIN ${rel.pre} ON ${rel.pre}.user_id = c.user_id`);
        pre = `COALESCE(${rel.pre}.${m.statistic === "proportion" ? names.pct : names.n}, 0)`;
        if (m.statistic === "proportion") preValue = `COALESCE(${rel.pre}.${names.n}, 0)`;
      }
    }
    // users whose window has not ended count in no sum: their value, hit and covariate are zeroed
    const gate = (expr: string) => (eligible ? `(${expr}) * (${eligible})` : expr);
    if (eligible) columns.push(`${eligible} AS ${col.metric(m.key, "eligible")}`);
    columns.push(`${gate(value)} AS ${col.metric(m.key, "value")}`, `${gate(hit)} AS ${col.metric(m.key, "hit")}`);
    if (pre) columns.push(`${gate(pre)} AS ${col.metric(m.key, "x")}`);
    if (preValue && partsOfRatios.has(m.key)) columns.push(`${gate(preValue)} AS ${col.metric(m.key, "pre_value")}`);
  }
  ctes.push(`user_values AS (
  SELECT
    ${columns.join(",\n    ")}
  FROM cohort c
  ${joins.join("\n  ")}
)`);
  const names = columns.map((c) => /AS ([a-z0-9_]+)$/i.exec(c)![1]!);
  if (measured.some((x) => isCapped(x.metric))) ctes.push(cappedValuesCte("user_values", names, measured.map((x) => x.metric), d, p));
  return { ctes, columns: names };
}

function aggregateSelects(plan: AnalysisPlan, d: Dialect, valueColumns: readonly string[]): string[] {
  const f = d.floatType;
  const v = (key: string, field: MetricField) => `v.${col.metric(key, field)}`;
  const has = (key: string, field: MetricField) => valueColumns.includes(col.metric(key, field));
  const covariates = plan.covariateLookbackDays > 0;
  const sum = (expr: string, name: string) => `CAST(SUM(${expr}) AS ${f}) AS ${name}`;
  const out: string[] = [];
  for (const m of reported(plan)) {
    const name = (field: MetricField) => col.metric(m.key, field);
    if (m.kind === "ratio") {
      const [a, b] = ratioParts(m, plan);
      // a user counts when both parts' windows have ended
      const wa = has(b.key, "eligible") ? `${v(a.key, "value")} * ${v(b.key, "eligible")}` : v(a.key, "value");
      const wb = has(a.key, "eligible") ? `${v(b.key, "value")} * ${v(a.key, "eligible")}` : v(b.key, "value");
      const eligible = [a, b].filter((x) => has(x.key, "eligible")).map((x) => v(x.key, "eligible"));
      out.push(
        eligible.length ? sum(eligible.join(" * "), name("n")) : `CAST(COUNT(*) AS ${f}) AS ${name("n")}`,
        sum(wa, name("sum")),
        sum(`${wa} * ${wa}`, name("sumsq")),
        sum(wb, name("dsum")),
        sum(`${wb} * ${wb}`, name("dsumsq")),
        sum(`${wa} * ${wb}`, name("prodsum")),
      );
      if (covariates) {
        // the parts' own pre-exposure values, gated like the post-exposure ones
        const pre = (part: Measured) => v(part.key, has(part.key, "pre_value") ? "pre_value" : "x");
        const xa = has(b.key, "eligible") ? `${pre(a)} * ${v(b.key, "eligible")}` : pre(a);
        const xb = has(a.key, "eligible") ? `${pre(b)} * ${v(a.key, "eligible")}` : pre(b);
        out.push(
          sum(xa, name("mpsum")),
          sum(`${xa} * ${xa}`, name("mpsumsq")),
          sum(xb, name("dpsum")),
          sum(`${xb} * ${xb}`, name("dpsumsq")),
          sum(`${xa} * ${xb}`, name("mpdpsum")),
          sum(`${wa} * ${xa}`, name("mmpsum")),
          sum(`${wa} * ${xb}`, name("mdpsum")),
          sum(`${wb} * ${xa}`, name("dmpsum")),
          sum(`${wb} * ${xb}`, name("ddpsum")),
        );
      }
      continue;
    }
    const y = m.statistic === "proportion" ? v(m.key, "hit") : v(m.key, "value");
    out.push(has(m.key, "eligible") ? sum(v(m.key, "eligible"), name("n")) : `CAST(COUNT(*) AS ${f}) AS ${name("n")}`, sum(y, name("sum")));
    if (m.statistic !== "proportion") out.push(sum(`${y} * ${y}`, name("sumsq")));
    if (covariates) {
      const x = v(m.key, "x");
      out.push(sum(x, name("xsum")), sum(`${x} * ${x}`, name("xsumsq")), sum(`${x} * ${y}`, name("xysum")));
    }
  }
  return out;
}

function decodeCells(plan: AnalysisPlan, rows: readonly Row[]): AggregatesResult {
  const spec = aggregateColumns(plan);
  const checked = readRows("aggregates", rows, spec);
  const unplanned = [...new Set(checked.map((r) => str(r, col.variant)))].filter((k) => !plan.variants.includes(k));
  if (unplanned.length) throw new Error(`aggregates statement: the warehouse returned unplanned variants: ${unplanned.join(", ")}`);
  const covariates = plan.covariateLookbackDays > 0;
  const cells = checked.map((r): AggregateCell => {
    const metrics: Record<string, CellMetric> = {};
    for (const m of reported(plan)) {
      const at = (field: MetricField) => num(r, col.metric(m.key, field));
      if (m.kind === "ratio") {
        const covariate: RatioCovariateSums | undefined = covariates
          ? {
              sum: at("mpsum"),
              sumSquares: at("mpsumsq"),
              denominatorSum: at("dpsum"),
              denominatorSumSquares: at("dpsumsq"),
              sumProduct: at("mpdpsum"),
              numeratorPreNumerator: at("mmpsum"),
              numeratorPreDenominator: at("mdpsum"),
              denominatorPreNumerator: at("dmpsum"),
              denominatorPreDenominator: at("ddpsum"),
            }
          : undefined;
        metrics[m.key] = {
          type: "ratio",
          n: at("n"),
          sum: at("sum"),
          sumSquares: at("sumsq"),
          denominatorSum: at("dsum"),
          denominatorSumSquares: at("dsumsq"),
          sumProduct: at("prodsum"),
          ...(covariate ? { covariate } : {}),
        };
        continue;
      }
      const proportion = m.statistic === "proportion";
      const covariate: CovariateSums | undefined = covariates ? { sum: at("xsum"), sumSquares: at("xsumsq"), sumProduct: at("xysum") } : undefined;
      metrics[m.key] = {
        type: proportion ? "proportion" : "mean",
        n: at("n"),
        sum: at("sum"),
        // 0/1 values: Σy² = Σy
        sumSquares: proportion ? at("sum") : at("sumsq"),
        ...(covariate ? { covariate } : {}),
      };
    }
    const half = num(r, col.placeboHalf);
    if (half !== 0 && half !== 1) throw new Error(`aggregates statement: column "${col.placeboHalf}" is ${half}, not 0 or 1`);
    return {
      variant: str(r, col.variant),
      half,
      segments: Object.fromEntries(plan.segments.map((dim) => [dim, (r[col.segment(dim)] as string | null) ?? "(none)"])),
      users: num(r, col.users),
      metrics,
    };
  });
  return { excludedUsers: checked.length ? num(checked[0]!, col.excludedUsers) : 0, cells };
}

export function buildAggregates(plan: AnalysisPlan, d: Dialect): Statement<AggregatesResult> {
  const p = new ParamBinder(d);
  const ctes = cohortCtes(plan, d, p);
  const values = userValues(plan, d, p);
  ctes.push(...values.ctes);
  const from = ctes.some((c) => c.startsWith("capped_values AS")) ? "capped_values" : "user_values";
  const aggregates = aggregateSelects(plan, d, values.columns);
  const segmentSelect = plan.segments.map((dim) => `,\n  v.${col.segment(dim)} AS ${col.segment(dim)}`).join("");
  // the salt makes each experiment's split its own: a half that happens to hold heavy users in one experiment is not the same half in the next
  const half = d.hashHalf("v.user_id", p.bind("placebo_salt", `placebo:${plan.experimentKey}:`));
  const groupBy = `GROUP BY ${["v.variant", ...plan.segments.map((dim) => `v.${col.segment(dim)}`), half].join(", ")}`;
  const sql = `WITH
${ctes.join(",\n")}
SELECT
  v.variant AS ${col.variant}${segmentSelect},
  ${half} AS ${col.placeboHalf},
  COUNT(*) AS ${col.users},
  (SELECT COUNT(*) FROM first_exposure WHERE several_variants) AS ${col.excludedUsers}${aggregates.length ? ",\n  " : ""}${aggregates.join(",\n  ")}
FROM ${from} v
${groupBy}
ORDER BY v.variant`;
  return {
    kind: "aggregates",
    name: "aggregates",
    title: "aggregates per variant and segment",
    sql,
    params: p.values,
    columns: aggregateColumns(plan),
    decode: (rows) => decodeCells(plan, rows),
  };
}
