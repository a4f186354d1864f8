// What an experiment definition is; reading and writing it is the store's job (./store).
import type { AssignmentSettings } from "./phases";

export type Role = "primary" | "secondary" | "guardrail";

export interface ExperimentInput {
  id: string;
  name: string;
  hypothesis: string;
  owner: string;
  status: "draft" | "running" | "stopped";
  startDate: string;
  endDate: string | null;
  exposureSource?: string;
  exposureKey?: string | null;
  controlVariant: string;
  windowDays?: number | null;
  segments?: string[];
  /** relative lift the test is sized to detect on its primary metric (e.g. 0.05) */
  plannedMde?: number;
  variants: { key: string; name: string; weight: number }[];
  metrics: { key: string; role: Role }[];
  /** how the SDK assigns (issue 13); absent: as it is (new experiments: everyone, by user id) */
  assignment?: AssignmentSettings;
  /** analysed on a schedule every N hours while running; 0 = never; absent: as it is (new: 6) */
  refreshHours?: number;
  /** warehouse (default) or counts typed in / posted */
  dataSource?: "warehouse" | "counts";
}

// kept for callers that import them from here
export { InvalidExperimentError } from "./experiment-rules";
export { getExperiment, listExperiments, saveExperiment, type ExperimentWithParts } from "./store";
