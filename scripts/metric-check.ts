import { checkMetric, type MetricCheckReport } from "@/lib/analysis/metric-check";
import { loadCatalog, problemText } from "@/lib/metrics/registry";
import { formatInteger, formatNumber, formatPercent } from "@/lib/format";
import { openWarehouse } from "@/lib/warehouse";
import { fail, main } from "./cli";

function print(r: MetricCheckReport, indent = ""): void {
  console.log(`${indent}metric ${r.metric} (${r.kind}, source ${r.source}) over ${r.from || "?"} → ${r.to || "?"}`);
  if (r.kind === "ratio") {
    console.log(`${indent}  Σ numerator / Σ denominator over all users: ${formatNumber(r.ratio)}`);
    for (const part of r.parts) print(part, `${indent}  `);
    return;
  }
  if (r.columns.length) console.log(`${indent}  columns: ${r.columns.map((c) => `${c.name} ${c.type}`).join(", ")}`);
  console.log(`${indent}  users with rows: ${formatInteger(r.rows)}, distinct: ${formatInteger(r.distinctUsers)}`);
  console.log(`${indent}  mean per-user value among them: ${formatNumber(r.meanN)}, with a qualifying row: ${formatPercent(r.shareWithPct)}`);
  if (r.quantile !== null) console.log(`${indent}  quantile over the whole range: ${formatNumber(r.quantile)}`);
  if (r.available) {
    console.log(`${indent}  ${r.available.what} in ${r.source} over that range, with counts:`);
    for (const item of r.available.items) console.log(`${indent}    ${item.name.padEnd(28)} ${formatInteger(item.count)}`);
  }
}

main(async () => {
  const key = process.argv[2];
  const catalog = await loadCatalog();
  const known = () => [...catalog.metrics.keys()].join(", ");
  if (!key || key.startsWith("-")) fail(`usage: npm run metric:check -- <metric-key>\nmetrics: ${known()}`, 2);
  const metric = catalog.metrics.get(key);
  if (!metric) {
    const refused = catalog.problems.filter((p) => p.key === key);
    if (refused.length) fail(`metric "${key}" was refused:\n${refused.map((p) => `  ${problemText(p)}`).join("\n")}`, 2);
    const broken = catalog.problems.filter((p) => p.key === null).map((p) => `\n  ${problemText(p)}`).join("");
    fail(`unknown metric "${key}"; registered: ${known()}${broken ? `\nfiles that could not be read:${broken}` : ""}`, 2);
  }
  const wh = await openWarehouse("duckdb");
  try {
    const r = await checkMetric(metric, catalog, wh);
    print(r);
    if (r.problems.length) {
      console.log(`FAIL: ${r.problems.length} problem(s)`);
      for (const p of r.problems) console.log(`  - ${p}`);
      process.exitCode = 1;
    } else {
      console.log("OK: one row per user, numeric values, no negative values, rows found");
    }
  } finally {
    await wh.close();
  }
  if (process.exitCode) fail("metric check failed");
});
