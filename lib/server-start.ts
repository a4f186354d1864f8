import { reapDeadRuns } from "@/lib/analysis/runs";
import { issueSetupToken, setupAnnouncement } from "@/lib/auth/setup";
import { config } from "@/lib/config";
import { resumePendingDeliveries } from "@/lib/notify/deliver";
import { publicMessage } from "@/lib/public-error";
import { startCollectionFlusher } from "@/lib/collect/flusher";
import { startRefreshScheduler } from "@/lib/running/schedule";

/** What the web server does once at start, after migrating (instrumentation.ts). */
export async function startServerDuties(): Promise<void> {
  const reaped = await reapDeadRuns();
  if (reaped > 0) console.log(`Marked ${reaped} analysis run(s) of a stopped process as interrupted.`);
  const token = await issueSetupToken();
  if (token) console.log(setupAnnouncement(token, config().AUTH_URL ?? `http://localhost:${config().PORT}`));
  void resumePendingDeliveries().catch((err: unknown) => publicMessage(err, "resending pending webhook deliveries"));
  // collected items reach the warehouse from here (items acknowledged before a stop are taken up now)
  startCollectionFlusher();
  // running experiments are analysed every few hours; one missed while the app was down runs now
  startRefreshScheduler();
}
