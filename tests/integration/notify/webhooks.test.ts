import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { useTempEnvironment } from "../../support/temp-env";

// Notifications from real analyses of the seeded warehouse (planted SRM, a losing guardrail, a
// winner) to a real local HTTP receiver, with real retries.

const env = useTempEnvironment("webhooks");

function configure(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfig();
}

interface Received {
  path: string;
  contentType: string | undefined;
  body: { text: string; blocks: { type: string; text?: { text: string } }[] };
}

/** A receiver that answers each request with the next scripted status (the last one repeats). */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [200];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const r = new Receiver(server);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        r.received.push({ path: req.url ?? "", contentType: req.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Received["body"] });
        const status = r.statuses.length > 1 ? r.statuses.shift()! : r.statuses[0]!;
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(status === 200 ? "ok" : "no");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return r;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  reset(statuses: number[]) {
    this.received.length = 0;
    this.statuses = statuses;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let receiver: Receiver;

beforeAll(async () => {
  configure({ WEBHOOK_RETRIES: "3", WEBHOOK_RETRY_MIN_MS: "20", WEBHOOK_TIMEOUT_MS: "2000", AUTH_URL: "https://experiments.example.com" });
  const { migrate } = await import("@/lib/db/migrate");
  const { seedWarehouse } = await import("@/lib/demo/seed-warehouse");
  const { registerDemoExperiments } = await import("@/lib/demo/register");
  await migrate();
  await seedWarehouse(env.warehouse, { users: 20_000, days: 14, seed: 7 });
  await registerDemoExperiments(14);
  receiver = await Receiver.start();
}, 180_000);
afterAll(async () => {
  await receiver?.close();
  configure({ AUTH_URL: undefined });
  await env.cleanup();
});

async function deleteAllWebhooks() {
  const { prisma } = await import("@/lib/db");
  await prisma.webhook.deleteMany();
}

describe("what an analysis notifies about", () => {
  it("the planted sample-ratio mismatch and the losing guardrail are found; a verdict only when it is reached", async () => {
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { getExperiment } = await import("@/lib/analysis/experiments");
    const { buildResultsDocument } = await import("@/lib/analysis/results-document");
    const { allRows } = await import("@/lib/ui/results-view");
    const { analysisTriggers } = await import("@/lib/notify/triggers");

    const srmRun = await runAnalysis("pricing-banner-srm");
    const srm = analysisTriggers((await getExperiment("pricing-banner-srm"))!, srmRun, null);
    expect(srm.map((t) => t.kind)).toContain("srm");
    expect(srm.find((t) => t.kind === "srm")!.text).toMatch(/^Sample ratio mismatch \(p [<=] [\d.e-]+\): Control [\d,]+, .+ [\d,]+\./);

    const feed = (await getExperiment("feed-autoplay"))!;
    const feedRun = await runAnalysis("feed-autoplay");
    const guard = analysisTriggers(feed, feedRun, null).find((t) => t.kind === "guardrail");
    expect(guard?.text).toMatch(/^Guardrail failing: .*Sessions.* with /i);

    // verdicts: every primary win/lose is news after no analysis; after one with the same verdicts, none is
    const exp = (await getExperiment("checkout-redesign"))!;
    const run = await runAnalysis("checkout-redesign");
    const decided = allRows(buildResultsDocument(exp, run, run)).filter((r) => r.role === "primary" && r.verdict !== "inconclusive");
    expect(decided.length).toBeGreaterThan(0); // the planted +8% winner
    expect(analysisTriggers(exp, run, null).filter((t) => t.kind === "verdict")).toHaveLength(decided.length);
    expect(analysisTriggers(exp, run, run).filter((t) => t.kind === "verdict")).toHaveLength(0);
    expect(analysisTriggers(exp, { ...run, status: "failed" }, null)).toEqual([]);
  });
});

describe("delivery", () => {
  it("sends one Slack-compatible message to the experiment's webhook and to the app-wide one, not to another experiment's", async () => {
    const { createWebhook } = await import("@/lib/notify/webhooks");
    const { notifyAfterRun } = await import("@/lib/notify/deliver");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    await deleteAllWebhooks();
    receiver.reset([200]);
    await createWebhook({ url: receiver.url("/srm-hook"), experimentId: "pricing-banner-srm" }, "t");
    await createWebhook({ url: receiver.url("/all"), experimentId: null }, "t");
    await createWebhook({ url: receiver.url("/other"), experimentId: "button-color-aa" }, "t");
    const run = await runAnalysis("pricing-banner-srm");
    expect(await notifyAfterRun(run)).toBe(2);
    expect(receiver.received.map((r) => r.path).sort()).toEqual(["/all", "/srm-hook"]);
    const msg = receiver.received[0]!;
    expect(msg.contentType).toBe("application/json");
    expect(msg.body.text).toMatch(/^Experiment “.+” \(pricing-banner-srm\)\n• Sample ratio mismatch/);
    expect(msg.body.text).toContain("https://experiments.example.com/experiments/pricing-banner-srm");
    expect(msg.body.blocks[0]).toMatchObject({ type: "section", text: { text: expect.stringContaining("pricing-banner-srm") } });
    const rows = await prisma.webhookDelivery.findMany({ where: { snapshotId: run.id } });
    expect(rows.map((d) => [d.status, d.attempts, d.lastError])).toEqual([
      ["delivered", 1, null],
      ["delivered", 1, null],
    ]);
    expect(rows[0]!.trigger.split(",")).toContain("srm");
  });

  it("retries a 500 and a 429 with back-off until the receiver takes it", async () => {
    const { createWebhook } = await import("@/lib/notify/webhooks");
    const { notifyAfterRun } = await import("@/lib/notify/deliver");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    await deleteAllWebhooks();
    receiver.reset([500, 429, 200]);
    await createWebhook({ url: receiver.url("/flaky"), experimentId: "pricing-banner-srm" }, "t");
    const run = await runAnalysis("pricing-banner-srm");
    await notifyAfterRun(run);
    expect(receiver.received).toHaveLength(3);
    expect(await prisma.webhookDelivery.findFirstOrThrow({ where: { snapshotId: run.id } })).toMatchObject({ status: "delivered", attempts: 3, lastError: null });
  });

  it("gives up after the retries and keeps the last error for admins; a 404 is not retried; an unreachable receiver fails too", async () => {
    const { createWebhook } = await import("@/lib/notify/webhooks");
    const { notifyAfterRun } = await import("@/lib/notify/deliver");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { prisma } = await import("@/lib/db");
    await deleteAllWebhooks();
    receiver.reset([503]);
    const down = await createWebhook({ url: receiver.url("/down"), experimentId: "pricing-banner-srm" }, "t");
    let run = await runAnalysis("pricing-banner-srm");
    await notifyAfterRun(run);
    expect(receiver.received).toHaveLength(4); // 1 + WEBHOOK_RETRIES
    expect(await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: down.id, snapshotId: run.id } })).toMatchObject({
      status: "failed",
      attempts: 4,
      lastError: "the receiver answered HTTP 503",
    });

    await deleteAllWebhooks();
    receiver.reset([404]);
    const gone = await createWebhook({ url: receiver.url("/gone"), experimentId: "pricing-banner-srm" }, "t");
    run = await runAnalysis("pricing-banner-srm");
    await notifyAfterRun(run);
    expect(receiver.received).toHaveLength(1);
    expect(await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: gone.id } })).toMatchObject({ status: "failed", attempts: 1, lastError: "the receiver answered HTTP 404" });

    await deleteAllWebhooks();
    const nowhere = await createWebhook({ url: "http://127.0.0.1:9/nothing-listens", experimentId: "pricing-banner-srm" }, "t");
    run = await runAnalysis("pricing-banner-srm");
    await notifyAfterRun(run);
    const failed = await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: nowhere.id } });
    expect(failed).toMatchObject({ status: "failed", attempts: 4 });
    expect(failed.lastError).toMatch(/^could not connect: /);
  });

  it("an analysis that finds nothing sends nothing; a background refresh notifies without the caller waiting", async () => {
    const { createWebhook } = await import("@/lib/notify/webhooks");
    const { enqueueAnalysis, backgroundAnalysesSettled } = await import("@/lib/jobs/analysis-jobs");
    const { prisma } = await import("@/lib/db");
    await deleteAllWebhooks();
    receiver.reset([200]);
    await createWebhook({ url: receiver.url("/aa"), experimentId: null }, "t");
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const { notifyAfterRun } = await import("@/lib/notify/deliver");
    await runAnalysis("button-color-aa");
    expect(await notifyAfterRun(await runAnalysis("button-color-aa"))).toBe(0); // an A/A test, analysed again: no news
    expect(receiver.received).toHaveLength(0);
    const before = await prisma.webhookDelivery.count();
    const run = await enqueueAnalysis("pricing-banner-srm", { reason: "test", actor: { kind: "system", name: "test" } });
    expect(run.status).toBe("queued");
    expect(receiver.received).toHaveLength(0);
    await backgroundAnalysesSettled();
    expect(receiver.received).toHaveLength(1);
    expect(await prisma.webhookDelivery.count()).toBe(before + 1);
  });

  it("refuses webhook URLs that are not http(s) and experiments that do not exist", async () => {
    const { createWebhook } = await import("@/lib/notify/webhooks");
    await expect(createWebhook({ url: "file:///etc/passwd", experimentId: null }, "t")).rejects.toThrow(/http\(s\) URL/);
    await expect(createWebhook({ url: "https://hooks.example.com/x", experimentId: "nope" }, "t")).rejects.toThrow(/no experiment/);
  });
});
