// A targeting condition in plain words for the experiment page ("country is one of US, CA and age
// is at least 18"). Takes a condition that passed parseCondition().
import type { Condition, ConditionLiteral, FieldCondition, OperatorCondition } from "./condition-schema";

/** A phrase and how it is joined at its top, so a parent knows when to put it in parentheses. */
interface Phrase {
  text: string;
  join: "none" | "and" | "or";
}

const EVERYONE = "everyone";

/** Strings as typed unless they would read ambiguously in a list (empty, commas, outer spaces). */
function value(v: ConditionLiteral): string {
  if (typeof v !== "string") return String(v);
  return v === "" || v.includes(",") || v.trim() !== v ? JSON.stringify(v) : v;
}

const values = (list: ConditionLiteral[]) => list.map(value).join(", ");

function operatorPhrases(attribute: string, ops: OperatorCondition): string[] {
  const out: string[] = [];
  const say = (rest: string) => out.push(`${attribute} ${rest}`);
  if (ops.$eq !== undefined) say(`is ${value(ops.$eq)}`);
  if (ops.$ne !== undefined) say(`is not ${value(ops.$ne)}`);
  if (ops.$in !== undefined) say(ops.$in.length === 1 ? `is ${value(ops.$in[0]!)}` : `is one of ${values(ops.$in)}`);
  if (ops.$nin !== undefined) say(ops.$nin.length === 1 ? `is not ${value(ops.$nin[0]!)}` : `is none of ${values(ops.$nin)}`);
  if (ops.$gt !== undefined) say(`is more than ${value(ops.$gt)}`);
  if (ops.$gte !== undefined) say(`is at least ${value(ops.$gte)}`);
  if (ops.$lt !== undefined) say(`is less than ${value(ops.$lt)}`);
  if (ops.$lte !== undefined) say(`is at most ${value(ops.$lte)}`);
  if (ops.$exists !== undefined) say(ops.$exists ? "is set" : "is not set");
  if (ops.$regex !== undefined) say(`matches /${ops.$regex}/`);
  if (ops.$not !== undefined) out.push(`not (${field(attribute, ops.$not).text})`);
  return out;
}

function field(attribute: string, condition: FieldCondition): Phrase {
  if (typeof condition !== "object") return { text: `${attribute} is ${value(condition)}`, join: "none" };
  return joined(operatorPhrases(attribute, condition).map((text) => ({ text, join: "none" as const })), "and");
}

function joined(parts: Phrase[], join: "and" | "or"): Phrase {
  if (parts.length === 0) return { text: EVERYONE, join: "none" };
  if (parts.length === 1) return parts[0]!;
  const text = parts.map((p) => (p.join !== "none" && p.join !== join ? `(${p.text})` : p.text)).join(` ${join} `);
  return { text, join };
}

function phrase(condition: Condition): Phrase {
  const parts: Phrase[] = [];
  for (const [key, v] of Object.entries(condition)) {
    if (v === undefined) continue;
    if (key === "$and") parts.push(joined((v as Condition[]).map(phrase), "and"));
    else if (key === "$or") parts.push(joined((v as Condition[]).map(phrase), "or"));
    else if (key === "$not") parts.push({ text: `not (${phrase(v as Condition).text})`, join: "none" });
    else parts.push(field(key, v as FieldCondition));
  }
  return joined(parts, "and");
}

/** "everyone" for an empty condition. */
export function describeCondition(condition: Condition | undefined): string {
  return condition === undefined ? EVERYONE : phrase(condition).text;
}
