// The message of an analysis that found nobody, written when the run fails and read back from the
// stored snapshot (the decision tells a running experiment's wait for its first exposures by it).
// Writer and reader live together so the wording cannot drift from the parser. Pure: no imports.

/** How the stored message of an analysis that found nobody starts. */
export const NO_EXPOSURES_PREFIX = "no exposed users";

export interface NoExposuresPlan {
  exposureTable: string;
  experimentKey: string;
  startDate: string;
  endDate: string;
  variants: string[];
}

/** What a stored "no exposed users" message says; null for any other message. */
export interface NoExposuresFacts {
  exposureTable: string | null;
  experimentKey: string | null;
  /** users seen in several variants and left out (0 when none were) */
  excludedUsers: number;
}

const SEVERAL = / \((\d+) users were seen in several variants and left out\)/;
const WHERE = /the exposure table "([^"]*)" has no users with experiment_id "([^"]*)"/;

export function noExposuresMessage(plan: NoExposuresPlan, excludedUsers: number): string {
  const several = excludedUsers > 0 ? ` (${excludedUsers} users were seen in several variants and left out)` : "";
  return (
    `${NO_EXPOSURES_PREFIX}: the exposure table "${plan.exposureTable}" has no users with experiment_id "${plan.experimentKey}" ` +
    `and variant ${plan.variants.map((v) => `"${v}"`).join(" or ")} between ${plan.startDate} and ${plan.endDate}${several}. ` +
    `Check the exposure key, the dates and the variant keys (the experiment form shows what the warehouse holds).`
  );
}

/** Reads a stored message back (it may have been shortened when stored: what is missing reads as null). */
export function parseNoExposures(message: string | null | undefined): NoExposuresFacts | null {
  if (!message?.startsWith(`${NO_EXPOSURES_PREFIX}:`)) return null;
  const where = WHERE.exec(message);
  const several = SEVERAL.exec(message);
  return { exposureTable: where?.[1] ?? null, experimentKey: where?.[2] ?? null, excludedUsers: several ? Number(several[1]) : 0 };
}
