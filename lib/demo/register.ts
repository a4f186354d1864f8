import { getExperiment, saveExperiment } from "@/lib/analysis/experiments";
import type { Role } from "@/lib/analysis/experiments";
import { parseSegments } from "@/lib/analysis/segments";
import { DEMO_EXPERIMENTS, DEMO_START, demoEndDate } from "./plan";

/** Registers (or refreshes) the demo experiments in the app database; safe to run again. */
export async function registerDemoExperiments(days: number): Promise<string[]> {
  for (const exp of DEMO_EXPERIMENTS) {
    await saveExperiment({
      id: exp.id,
      name: exp.name,
      hypothesis: exp.hypothesis,
      owner: exp.owner,
      status: "stopped",
      startDate: DEMO_START,
      endDate: demoEndDate(days),
      controlVariant: exp.variants[0]?.key ?? "control",
      segments: ["platform", "country", "user_type"],
      variants: exp.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight })),
      metrics: exp.metrics,
    });
  }
  return DEMO_EXPERIMENTS.map((e) => e.id);
}

/**
 * After days were appended to the warehouse: the demo experiments run to its new last day. Their
 * definitions are otherwise kept as they are (edited metrics stay edited); missing ones are
 * registered afresh.
 */
export async function extendDemoExperiments(days: number): Promise<string[]> {
  for (const demo of DEMO_EXPERIMENTS) {
    const exp = await getExperiment(demo.id);
    if (!exp) {
      await registerDemoExperiments(days);
      return DEMO_EXPERIMENTS.map((e) => e.id);
    }
    await saveExperiment({
      id: exp.id,
      name: exp.name,
      hypothesis: exp.hypothesis,
      owner: exp.owner,
      status: exp.status as "draft" | "running" | "stopped",
      startDate: exp.startDate,
      endDate: demoEndDate(days),
      exposureSource: exp.exposureSource,
      exposureKey: exp.exposureKey,
      controlVariant: exp.controlVariant,
      windowDays: exp.windowDays,
      segments: parseSegments(exp.segments),
      variants: exp.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight })),
      metrics: exp.metrics.map((m) => ({ key: m.metricKey, role: m.role as Role })),
    });
  }
  return DEMO_EXPERIMENTS.map((e) => e.id);
}
