import { parseArgs } from "node:util";
import { migrate } from "@/lib/db/migrate";
import { analyzeAdHoc } from "@/lib/analysis/ad-hoc";
import { getExperiment, listExperiments } from "@/lib/analysis/store";
import { planFor } from "@/lib/analysis/plan";
import { parsePhaseChoice } from "@/lib/analysis/phases";
import { loadResultsDocument } from "@/lib/analysis/results-document";
import { runAnalysis } from "@/lib/analysis/run-analysis";
import { analysisStatements, formatStatements, statementList } from "@/lib/analysis/statements";
import { formatResultsTable } from "@/lib/ui/format-text";
import { commentText } from "@/lib/analysis/sql-comment";
import { loadCatalog, UnknownMetricError } from "@/lib/metrics/registry";
import { dialectFor } from "@/lib/warehouse";
import { warehouseKind } from "@/lib/warehouse/config";
import { recordAudit } from "@/lib/audit/log";
import { runName } from "@/lib/audit/run-names";
import { notifyAfterRun } from "@/lib/notify/deliver";
import { fail, main } from "./cli";

const USAGE =
  "usage: npm run analyze -- <experiment-id> [--phase N|all] [--json] [--sql] [--dialect duckdb|bigquery] [--metrics k1,k2 [--save]]\n       npm run analyze -- --list";

main(async () => {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        sql: { type: "boolean" },
        list: { type: "boolean" },
        dialect: { type: "string" },
        metrics: { type: "string" },
        phase: { type: "string" },
        save: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) return void console.log(USAGE);
  await migrate();
  if (values.list) {
    for (const e of await listExperiments()) console.log(e.id);
    return;
  }
  const id = positionals[0];
  if (!id || positionals.length > 1) fail(USAGE, 2);
  const dialect = values.dialect ?? warehouseKind();
  if (dialect !== "duckdb" && dialect !== "bigquery") fail(`--dialect must be duckdb or bigquery (got "${dialect}")`, 2);
  const exp = await getExperiment(id);
  if (!exp) fail(`no experiment with id "${id}"; \`npm run analyze -- --list\` shows the ids`, 2);

  // --metrics: those registered metrics instead of the experiment's own
  const metrics = values.metrics === undefined ? undefined : values.metrics.split(",").map((k) => k.trim()).filter(Boolean);
  if (metrics !== undefined && metrics.length === 0) fail("--metrics needs metric keys, e.g. --metrics aov,d7_retained", 2);
  if (values.save && !metrics) fail("--save goes with --metrics (a plain analysis is always stored)", 2);
  // --phase: one assignment phase by number, or all of them; the current phase by default
  const phase = values.phase === undefined ? undefined : parsePhaseChoice(values.phase);
  if (phase === null) fail(`--phase must be a phase number (0, 1, …) or all (got "${values.phase}")`, 2);
  const catalog = await loadCatalog();
  let plan;
  try {
    plan = planFor(exp, catalog, { metrics, phase });
  } catch (err) {
    if (err instanceof UnknownMetricError || /has no phase|no day of its own/.test((err as Error).message)) fail((err as Error).message, 2);
    throw err;
  }

  if (values.sql) {
    console.log(`-- analysis of ${commentText(exp.id)} (${dialect}), phase ${plan.phase ?? "all"}: ${plan.startDate} to ${plan.endDate}`);
    console.log(formatStatements(statementList(analysisStatements(plan, dialectFor(dialect))), true));
    return;
  }
  if (dialect !== warehouseKind()) {
    fail(`--dialect ${dialect} runs only with --sql; set WAREHOUSE=${dialect} to analyse there`, 2);
  }
  if (metrics && !values.save) {
    const doc = await analyzeAdHoc(exp, metrics, undefined, phase);
    console.log(values.json ? JSON.stringify(doc, null, 2) : `${formatResultsTable(doc)}\n  (ad hoc: not stored; add --save to keep it as a snapshot)`);
    return;
  }
  const snapshot = await runAnalysis(exp.id, undefined, { metrics, phase, requestedBy: "command line" });
  await recordAudit({ kind: "system", name: "command line" }, { action: "analysed", targetType: "run", targetId: String(snapshot.id), experimentId: exp.id, summary: `${runName(snapshot)} ${snapshot.status} (npm run analyze)` });
  await notifyAfterRun(snapshot); // webhooks of the experiment, retried before the command ends
  // never print the previous snapshot's numbers as if they were this run's
  // one line, as every CLI failure: warehouse messages can span several (DuckDB's "LINE 11: …" context)
  if (snapshot.status !== "succeeded") fail(`analysis failed (snapshot #${snapshot.number ?? snapshot.id}): ${(snapshot.error ?? "").replace(/\s*\n\s*/g, " ")}`);
  const doc = await loadResultsDocument(exp, undefined, undefined, phase);
  console.log(values.json ? JSON.stringify(doc, null, 2) : formatResultsTable(doc));
});
