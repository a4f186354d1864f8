import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { GrowthBookClient, type Experiment, type Result } from "@growthbook/growthbook";
import { createCollector } from "@/lib/client/collector";
import { trackExposures } from "@/lib/client/growthbook";
import { config } from "@/lib/config";
import { migrate } from "@/lib/db/migrate";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { getExperiment } from "@/lib/analysis/store";
import { trackingKey } from "@/lib/analysis/phases";
import { inboxStatus } from "@/lib/collect/inbox";
import { RUNNING_DEMO, type SimulationPlan } from "@/lib/demo/running";
import { fail, main, wholeNumber } from "./cli";

// `npm run simulate -- <experiment-id> [--users N] [--url U] [--key K] [--seed S]`: drives a running
// experiment end to end through the server, as apps do. Synthetic users get their variant from the
// SDK payload (GET /api/features/<client key>, GrowthBook's own client), the SDK's tracking
// callback posts their exposures and the users' events go to POST /api/collect through the
// browser client, with lost answers and failed sends (so batches are sent again: duplicates and
// retries). Once the server has moved everything to the warehouse, an analysis runs on the server
// and the planted effect is printed next to the estimate.

const USAGE = "usage: npm run simulate -- <experiment-id> [--users N] [--url http://localhost:3000] [--key exr_client_…] [--seed S]";

/** A uniform number in [0, 1) from a name: the same user and seed always behave the same. */
function uniform(...parts: (string | number)[]): number {
  return createHash("sha256").update(parts.join("\u0000")).digest().readUIntBE(0, 6) / 2 ** 48;
}

function lognormal(mu: number, sigma: number, ...parts: (string | number)[]): number {
  const u1 = Math.max(uniform(...parts, "a"), 1e-12);
  const u2 = uniform(...parts, "b");
  return Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main(async () => {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { users: { type: "string" }, url: { type: "string" }, key: { type: "string" }, seed: { type: "string" }, help: { type: "boolean" } } });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) return void console.log(USAGE);
  const id = positionals[0];
  if (!id || positionals.length > 1) fail(USAGE, 2);
  const users = wholeNumber("users", values.users, 10_000, 10);
  const seed = values.seed ?? "1";
  const base = (values.url ?? `http://localhost:${config().PORT}`).replace(/\/$/, "");
  await migrate();
  const exp = await getExperiment(id);
  if (!exp) fail(`no experiment with id "${id}"; \`npm run analyze -- --list\` shows the ids`, 2);
  if (exp.status !== "running") fail(`experiment "${id}" is ${exp.status}: only a running experiment is served to the SDK`, 2);
  const plan: SimulationPlan =
    id === RUNNING_DEMO.id
      ? RUNNING_DEMO.simulation
      : { ...RUNNING_DEMO.simulation, effects: Object.fromEntries(exp.variants.filter((v) => v.key !== exp.controlVariant).map((v) => [v.key, RUNNING_DEMO.simulation.effects.banner!])) };

  // keys of our own for this run, revoked at the end (a client key for the payload and collection,
  // a write key to start the analysis), unless a client key was given
  const made: string[] = [];
  const key = async (scope: "client" | "write") => {
    const k = await createApiKey({ name: `npm run simulate (${scope})`, scope }, "npm run simulate");
    made.push(k.row.id);
    return k.key;
  };
  try {
    const clientKey = values.key ?? (await key("client"));
    const writeKey = await key("write");

    const sdk = new GrowthBookClient({ apiHost: base, clientKey });
    const loaded = await sdk.init({ timeout: 10_000, streaming: false });
    if (!loaded.success) fail(`could not load the SDK payload from ${base}/api/features/<key>: ${loaded.error?.message ?? loaded.source}`);
    const feature = trackingKey(exp);
    if (!sdk.getPayload()?.features?.[feature]?.rules?.length) fail(`the SDK payload has no rule for "${feature}": is the experiment between its dates, and valid? (its page says)`);

    // the network between the clients and us: 5% of sends fail before they leave, 10% of answers are lost
    const tally = { requests: 0, failedSends: 0, lostAnswers: 0, accepted: 0, duplicates: 0, rejected: 0 };
    const flaky: typeof fetch = async (input, init) => {
      const n = tally.requests++;
      const r = uniform(seed, "request", n);
      if (r < 0.05) {
        tally.failedSends++;
        throw new TypeError("simulated: the connection failed");
      }
      const res = await fetch(input, init);
      const body = (await res.clone().json().catch(() => null)) as { accepted?: number; duplicates?: number; rejected?: unknown[] } | null;
      if (res.ok && body) {
        tally.accepted += body.accepted ?? 0;
        tally.duplicates += body.duplicates ?? 0;
        tally.rejected += body.rejected?.length ?? 0;
      }
      if (r < 0.15) {
        tally.lostAnswers++;
        throw new TypeError("simulated: the answer was lost");
      }
      return res;
    };
    const collector = createCollector({ endpoint: `${base}/api/collect`, clientKey, fetch: flaky, minRetryDelayMs: 50, retries: 12, maxQueue: 1_000_000, onError: (err) => console.error(`  a batch was given up: ${err.message}`) });

    const now = Date.now();
    const since = Math.max(new Date(`${exp.startDate}T00:00:00Z`).getTime(), now - 3 * 3600_000);
    const counts = new Map<string, number>();
    let exposed = 0;
    for (let i = 0; i < users; i++) {
      const user = `sim-${seed}-${i}`;
      const exposedAt = since + uniform(seed, user, "t") * (now - since);
      const attributes = {
        id: user,
        platform: uniform(seed, user, "p") < 0.5 ? "web" : uniform(seed, user, "p2") < 0.5 ? "ios" : "android",
        country: ["US", "GB", "DE", "FR", "IN"][Math.floor(uniform(seed, user, "c") * 5)]!,
      };
      let variant: string | null = null;
      const onTrack = trackExposures(collector, { context: () => ({ platform: attributes.platform, country: attributes.country }), at: () => new Date(exposedAt) });
      sdk.evalFeature(feature, {
        attributes,
        trackingCallback: (e: Experiment<unknown>, r: Result<unknown>) => {
          variant = r.key;
          onTrack(e, r);
        },
      });
      if (variant === null) continue;
      exposed++;
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
      const effects = plan.effects[variant] ?? {};
      for (const [event, rate] of Object.entries(plan.baseRates)) {
        if (uniform(seed, user, event) >= Math.min(0.95, rate * (effects[event] ?? 1))) continue;
        const at = new Date(exposedAt + uniform(seed, user, event, "t") * (now - exposedAt));
        const value = event === "purchase" ? Math.round(lognormal(plan.orderValue.logMean, plan.orderValue.logSd, seed, user, "v") * 100) / 100 : undefined;
        collector.track(value === undefined ? { type: "event", user_id: user, event_name: event } : { type: "event", user_id: user, event_name: event, value }, at);
      }
      // a page sends its own small batches: ~100 users' items per request
      if (i % 100 === 99) await collector.flush();
    }
    await collector.close();
    sdk.destroy();
    console.log(`${users.toLocaleString("en")} users, ${exposed.toLocaleString("en")} in the experiment (${[...counts].map(([k, n]) => `${k} ${n}`).join(", ")})`);
    console.log(
      `collection: ${tally.requests} requests, ${tally.failedSends} failed sends and ${tally.lostAnswers} lost answers sent again; ` +
        `${tally.accepted} items accepted, ${tally.duplicates} duplicates ignored, ${tally.rejected} rejected`,
    );

    // the server moves acknowledged items to the warehouse in the background
    const waitEnd = Date.now() + 120_000;
    for (;;) {
      const { pending } = await inboxStatus();
      if (pending === 0) break;
      if (Date.now() > waitEnd) fail(`the server has not moved ${pending} collected items to the warehouse after 2 minutes: is it running, and is the warehouse free?`);
      await sleep(250);
    }

    const auth = { authorization: `Bearer ${writeKey}` };
    const started = await fetch(`${base}/api/experiments/${encodeURIComponent(id)}/refresh`, { method: "POST", headers: auth });
    const run = (await started.json()) as { runId?: number; error?: string; active?: { id: number } };
    const runId = run.runId ?? run.active?.id;
    if (!runId) fail(`the analysis could not start: ${run.error ?? started.status}`);
    for (;;) {
      const status = (await (await fetch(`${base}/api/runs/${runId}`, { headers: auth })).json()) as { status: string; error: string | null };
      if (status.status === "succeeded") break;
      if (status.status === "failed" || status.status === "cancelled") fail(`the analysis ${status.status}: ${status.error}`);
      await sleep(500);
    }
    const doc = (await (await fetch(`${base}/api/experiments/${encodeURIComponent(id)}/results`, { headers: auth })).json()) as {
      metrics: { key: string; name: string; variants: { id: string; relative?: { estimate: number | null; ciLow: number | null; ciHigh: number | null } }[] }[];
    };
    // revenue per user moves with purchase conversion (order values are drawn alike in every variant)
    const event: Record<string, string> = { purchases: "purchase", add_to_cart: "add_to_cart", revenue: "purchase" };
    console.log(`analysis #${runId}:`);
    for (const m of doc.metrics) {
      for (const v of m.variants.slice(1)) {
        const r = v.relative;
        const planted = event[m.key] ? (plan.effects[v.id]?.[event[m.key]!] ?? 1) - 1 : null;
        const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`);
        console.log(`  ${m.name.padEnd(24)} ${v.id.padEnd(10)} ${pct(r?.estimate)} [${pct(r?.ciLow)}, ${pct(r?.ciHigh)}]${planted === null ? "" : `   planted ${pct(planted)}`}`);
      }
    }
    console.log(`the dashboard: ${base}/experiments/${encodeURIComponent(id)}`);
  } finally {
    for (const k of made) await revokeApiKey(k);
  }
});
