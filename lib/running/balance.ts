// What the balanced-assignment page needs from the assignment library, in one place.
export { chooseBalancedSeed, DEFAULT_CANDIDATE_SEEDS, MAX_CANDIDATE_SEEDS } from "@/lib/assignment/balance/choose-seed";
export { parseCohortCsv, MAX_COHORT_SUBJECTS, type ParsedCohort as ParsedCohortResult } from "@/lib/assignment/balance/cohort";
export type { BalanceTable } from "@/lib/assignment/balance/balance-table";
