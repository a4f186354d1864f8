import { z } from "zod";
import { prisma } from "@/lib/db";

// Webhooks: a URL that gets a Slack-compatible JSON message ({ text, blocks }) when an analysis
// of its experiment (or of any experiment) finds something (triggers.ts). Admins manage them.

export type WebhookRow = NonNullable<Awaited<ReturnType<typeof prisma.webhook.findFirst>>>;
export type DeliveryRow = NonNullable<Awaited<ReturnType<typeof prisma.webhookDelivery.findFirst>>>;

export const newWebhookSchema = z.object({
  url: z
    .string()
    .trim()
    .max(2000, "at most 2000 characters")
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === "https:" || u.protocol === "http:";
      } catch {
        return false;
      }
    }, "must be an http(s) URL, e.g. https://hooks.slack.com/services/…"),
  experimentId: z.string().trim().min(1).nullable(),
});

export async function createWebhook(input: z.input<typeof newWebhookSchema>, createdBy: string | null): Promise<WebhookRow> {
  const w = newWebhookSchema.parse(input);
  if (w.experimentId && !(await prisma.experiment.findUnique({ where: { id: w.experimentId } }))) {
    throw new Error(`no experiment with id "${w.experimentId}"`);
  }
  return prisma.webhook.create({ data: { url: w.url, experimentId: w.experimentId, createdBy } });
}

export async function deleteWebhook(id: number): Promise<WebhookRow | null> {
  const found = await prisma.webhook.findUnique({ where: { id } });
  if (!found) return null;
  await prisma.webhook.delete({ where: { id } });
  return found;
}

/** The webhooks an analysis of this experiment notifies: its own and the app-wide ones. */
export async function webhooksFor(experimentId: string): Promise<WebhookRow[]> {
  return prisma.webhook.findMany({ where: { OR: [{ experimentId }, { experimentId: null }] }, orderBy: { id: "asc" } });
}

export async function listWebhooks(): Promise<(WebhookRow & { deliveries: DeliveryRow[] })[]> {
  return prisma.webhook.findMany({
    orderBy: { id: "asc" },
    include: { deliveries: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 10 } },
  });
}

/** A URL for lists: scheme and host only (a Slack webhook's path is its secret). */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return "(invalid URL)";
  }
}
