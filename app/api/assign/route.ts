import { assignPreflight, handleAssign } from "@/lib/running/sdk-requests";

export const dynamic = "force-dynamic";

/** Assignments made here by GrowthBook's SDK, for clients without one (a client key). */
export const POST = handleAssign;
export const OPTIONS = assignPreflight;
