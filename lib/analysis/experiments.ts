import { prisma } from "@/lib/db";
import { storedExperimentProblems } from "./experiment-rules";

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
  variants: { key: string; name: string; weight: number }[];
  metrics: { key: string; role: Role }[];
}

const withParts = {
  variants: { orderBy: { position: "asc" as const } },
  metrics: { orderBy: { position: "asc" as const } },
};

export async function listExperiments() {
  return prisma.experiment.findMany({ include: withParts, orderBy: { startDate: "desc" } });
}

export async function getExperiment(id: string) {
  return prisma.experiment.findUnique({ where: { id }, include: withParts });
}

export type ExperimentWithParts = NonNullable<Awaited<ReturnType<typeof getExperiment>>>;

/** An experiment that breaks the stored rules (ids, keys, dates, exposure table): nothing is saved. */
export class InvalidExperimentError extends Error {
  constructor(id: string, problems: string[]) {
    super(`experiment ${JSON.stringify(id)} cannot be saved: ${problems.join("; ")}`);
    this.name = "InvalidExperimentError";
  }
}

/**
 * Creates or replaces an experiment definition (variants and metrics included) atomically, after
 * the checks every writer shares (the editor, the demo registration, scripts).
 */
export async function saveExperiment(input: ExperimentInput): Promise<void> {
  const problems = storedExperimentProblems(input);
  if (problems.length > 0) throw new InvalidExperimentError(input.id, problems);
  const fields = {
    name: input.name,
    hypothesis: input.hypothesis,
    owner: input.owner,
    status: input.status,
    startDate: input.startDate,
    endDate: input.endDate,
    exposureSource: input.exposureSource ?? "exposures",
    exposureKey: input.exposureKey ?? null,
    controlVariant: input.controlVariant,
    windowDays: input.windowDays ?? null,
    segments: JSON.stringify(input.segments ?? []),
  };
  await prisma.$transaction([
    prisma.experiment.upsert({ where: { id: input.id }, create: { id: input.id, ...fields }, update: fields }),
    prisma.variant.deleteMany({ where: { experimentId: input.id } }),
    prisma.experimentMetric.deleteMany({ where: { experimentId: input.id } }),
    prisma.variant.createMany({
      data: input.variants.map((v, position) => ({ experimentId: input.id, ...v, position })),
    }),
    prisma.experimentMetric.createMany({
      data: input.metrics.map((m, position) => ({ experimentId: input.id, metricKey: m.key, role: m.role, position })),
    }),
  ]);
}
