// Whether a user's attributes pass a targeting condition: the SDK's own evaluator, so the server
// (POST /api/assign, previews) and every SDK agree on who qualifies.
import { evalCondition, type Attributes, type ConditionInterface } from "@growthbook/growthbook";
import type { Condition } from "./condition-schema";

export function conditionMatches(attributes: Attributes, condition: Condition): boolean {
  return evalCondition(attributes, condition as ConditionInterface);
}
