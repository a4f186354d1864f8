// What a team can decide about an experiment (recorded with who and when; see store.ts). No I/O:
// the decision form in the browser uses it too.
export const DECISIONS = ["ship", "rollback", "none"] as const;
export type TeamDecision = (typeof DECISIONS)[number];

export interface DecisionInput {
  decision: TeamDecision;
  /** the variant shipped (ship only) */
  variant: string | null;
  actor: string;
  note: string;
}
