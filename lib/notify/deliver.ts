import pRetry, { AbortError } from "p-retry";
import { getExperiment } from "@/lib/analysis/experiments";
import type { SnapshotRow } from "@/lib/analysis/store";
import { config } from "@/lib/config";
import { prisma } from "@/lib/db";
import { publicMessage, scrubInternals } from "@/lib/public-error";
import { analysisTriggers, type Trigger } from "./triggers";
import { webhooksFor } from "./webhooks";

// Delivery: one message per webhook per analysis that found something, recorded as a
// WebhookDelivery row (pending → delivered | failed) and sent off the request path, retried with
// exponential back-off (p-retry) on network errors, timeouts, 408, 429 and 5xx; other answers
// fail at once. Failures keep their last error for the admin page.

/** The Slack-compatible body: `text` for any receiver, `blocks` for Slack's layout. */
export function slackMessage(experiment: { id: string; name: string }, triggers: Trigger[], link: string | null): { text: string; blocks: unknown[] } {
  const title = `Experiment “${experiment.name}” (${experiment.id})`;
  const text = [title, ...triggers.map((t) => `• ${t.text}`), ...(link ? [link] : [])].join("\n");
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${title}*` } },
      ...triggers.map((t) => ({ type: "section", text: { type: "mrkdwn", text: t.text } })),
      ...(link ? [{ type: "context", elements: [{ type: "mrkdwn", text: `<${link}|Open the results>` }] }] : []),
    ],
  };
}

class Refused extends Error {}

async function post(url: string, payload: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "experiment-results-webhook" },
      body: payload,
      redirect: "manual",
      signal: AbortSignal.timeout(config().WEBHOOK_TIMEOUT_MS),
    });
  } catch (err) {
    const e = err as Error;
    throw new Error(e.name === "TimeoutError" ? `no answer within ${config().WEBHOOK_TIMEOUT_MS} ms` : `could not connect: ${(e.cause as Error)?.message ?? e.message}`);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.ok) return;
  const message = `the receiver answered HTTP ${res.status}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) throw new Error(message);
  throw new Refused(message);
}

/** Sends one delivery until it succeeds or the retries run out; never throws. */
export async function sendDelivery(id: number): Promise<void> {
  const d = await prisma.webhookDelivery.findUnique({ where: { id }, include: { webhook: true } });
  if (!d || d.status !== "pending") return;
  try {
    await pRetry(
      async () => {
        try {
          await post(d.webhook.url, d.payload);
        } catch (err) {
          const message = scrubInternals((err as Error).message).slice(0, 500);
          await prisma.webhookDelivery.update({ where: { id }, data: { attempts: { increment: 1 }, lastError: message } });
          throw err instanceof Refused ? new AbortError(message) : err;
        }
      },
      {
        retries: config().WEBHOOK_RETRIES,
        minTimeout: config().WEBHOOK_RETRY_MIN_MS,
        factor: 2,
        randomize: true,
      },
    );
    await prisma.webhookDelivery.update({ where: { id }, data: { status: "delivered", attempts: { increment: 1 }, lastError: null, finishedAt: new Date() } });
  } catch {
    await prisma.webhookDelivery.update({ where: { id }, data: { status: "failed", finishedAt: new Date() } }).catch(() => undefined);
  }
}

/**
 * After a run: the triggers it found, one pending delivery per webhook of its experiment, and
 * their sending. Resolves when every delivery has succeeded or failed (callers on the request
 * path do not wait for it); never throws.
 */
export async function notifyAfterRun(run: SnapshotRow): Promise<number> {
  try {
    if (run.status !== "succeeded") return 0;
    const [exp, hooks] = await Promise.all([getExperiment(run.experimentId), webhooksFor(run.experimentId)]);
    if (!exp || hooks.length === 0) return 0;
    const previous = await prisma.snapshot.findFirst({
      where: { experimentId: run.experimentId, status: "succeeded", id: { lt: run.id } },
      orderBy: { id: "desc" },
    });
    const triggers = analysisTriggers(exp, run, previous);
    if (triggers.length === 0) return 0;
    const base = config().AUTH_URL;
    const link = base ? new URL(`/experiments/${encodeURIComponent(exp.id)}`, base).toString() : null;
    const payload = JSON.stringify(slackMessage(exp, triggers, link));
    const deliveries = await Promise.all(
      hooks.map((h) =>
        prisma.webhookDelivery.create({
          data: { webhookId: h.id, experimentId: exp.id, snapshotId: run.id, trigger: triggers.map((t) => t.kind).join(","), payload },
        }),
      ),
    );
    await Promise.all(deliveries.map((d) => sendDelivery(d.id)));
    return deliveries.length;
  } catch (err) {
    publicMessage(err, `the notifications for analysis #${run.id} could not be sent`);
    return 0;
  }
}

/** At server start: deliveries a stopped process left pending are sent again (at least once). */
export async function resumePendingDeliveries(): Promise<void> {
  const pending = await prisma.webhookDelivery.findMany({ where: { status: "pending" }, select: { id: true } });
  await Promise.all(pending.map((d) => sendDelivery(d.id)));
}
