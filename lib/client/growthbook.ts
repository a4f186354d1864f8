// GrowthBook's SDK tells its trackingCallback whenever it puts a user into an experiment; this one
// posts that exposure to our collection endpoint through a collector (collector.ts).
import type { Experiment, Result } from "@growthbook/growthbook";
import type { Collector } from "./collector";

export interface TrackingOptions {
  /** platform and country for the exposure (segments on the dashboard) */
  context?: () => { platform?: string; country?: string };
  /** when the exposure happened (default: now) */
  at?: () => Date;
}

/**
 * `new GrowthBook({ …, trackingCallback: trackExposures(collector) })`: each exposure is posted
 * with the user's hash value as user_id (the attribute the experiment hashes), the experiment's
 * key as experiment_id and the variation's key as variant.
 */
export function trackExposures(collector: Collector, options: TrackingOptions = {}) {
  return (experiment: Experiment<unknown>, result: Result<unknown>): void => {
    if (result.hashValue === undefined || result.hashValue === null || result.hashValue === "") return;
    collector.track({ type: "exposure", user_id: String(result.hashValue), experiment_id: experiment.key, variant: result.key, ...(options.context?.() ?? {}) }, options.at?.());
  };
}
