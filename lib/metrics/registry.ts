import { METRICS } from "@/metrics";
import type { MetricDefinition } from "./define";

const byKey = new Map<string, MetricDefinition>();
for (const m of METRICS) {
  if (byKey.has(m.key)) throw new Error(`two metrics are registered with the key "${m.key}"`);
  byKey.set(m.key, m);
}

export function allMetrics(): readonly MetricDefinition[] {
  return METRICS;
}

export function findMetric(key: string): MetricDefinition | undefined {
  return byKey.get(key);
}

export function getMetric(key: string): MetricDefinition {
  const m = byKey.get(key);
  if (!m) throw new Error(`unknown metric "${key}"; registered: ${[...byKey.keys()].join(", ")}`);
  return m;
}
