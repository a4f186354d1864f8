import { saveExperiment } from "@/lib/analysis/experiments";
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
