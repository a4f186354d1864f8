import { checkMetric } from "@/lib/analysis/metric-check";
import { allMetrics, findMetric } from "@/lib/metrics/registry";
import { formatInteger, formatNumber, formatPercent } from "@/lib/format";
import { openWarehouse } from "@/lib/warehouse";
import { fail, main } from "./cli";

main(async () => {
  const key = process.argv[2];
  if (!key || key.startsWith("-")) fail(`usage: npm run metric:check -- <metric-key>\nmetrics: ${allMetrics().map((m) => m.key).join(", ")}`, 2);
  const metric = findMetric(key);
  if (!metric) fail(`unknown metric "${key}"; registered: ${allMetrics().map((m) => m.key).join(", ")}`, 2);
  const wh = await openWarehouse("duckdb");
  try {
    const r = await checkMetric(metric, wh);
    console.log(`metric ${r.metric} (${metric.kind === "sql" ? "free SQL" : "declarative"}) over ${r.from} → ${r.to}`);
    console.log(`  columns: ${r.columns.map((c) => `${c.name} ${c.type}`).join(", ")}`);
    console.log(`  rows: ${formatInteger(r.rows)}, distinct users: ${formatInteger(r.distinctUsers)}`);
    console.log(`  mean n_${r.metric}: ${formatNumber(r.meanN)}, rows with pct_${r.metric} = 1: ${formatPercent(r.shareWithPct)}`);
    if (r.problems.length) {
      console.log(`FAIL: ${r.problems.length} problem(s)`);
      for (const p of r.problems) console.log(`  - ${p}`);
      process.exitCode = 1;
    } else {
      console.log("OK: one row per user, numeric columns, no negative counts, flags are 0/1");
    }
  } finally {
    await wh.close();
  }
  if (process.exitCode) fail("metric check failed");
});
