import { analyze, type StatsAnswer, type StatsRequest } from "@/lib/stats";

/** The one call from lib/analysis into the stats engine (mean, proportion, ratio and quantile metrics alike). */
export type EngineRequest = StatsRequest;
export type EngineMetricInput = StatsRequest["metrics"][number];
export type EngineAnswer = StatsAnswer;
export type EngineMetricResult = StatsAnswer["metrics"][number];

export function runEngine(req: EngineRequest): EngineAnswer {
  return analyze(req);
}
