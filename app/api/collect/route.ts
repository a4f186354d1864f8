import { collectPreflight, handleCollect } from "@/lib/collect/collect-request";

export const dynamic = "force-dynamic";

/**
 * Exposures and events from apps and pages, up to 1,000 per request, with a client key:
 * `{ accepted, duplicates, rejected: [{ index, error }] }` once the items are durable.
 */
export const POST = handleCollect;
export const OPTIONS = collectPreflight;
