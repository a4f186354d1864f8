// The body of POST /api/assign, validated: who the user is (attributes), and optional forcing.
import { z } from "zod";
import type { AssignRequest } from "./assigner";
import type { FeaturesPayload } from "./payload";

/** Ids up to 128 characters (issue 13: user ids are strings); other attributes are small JSON. */
export const MAX_ID_LENGTH = 128;
const MAX_ATTRIBUTES = 100;
const MAX_ATTRIBUTES_BYTES = 16 * 1024;

export const assignRequestSchema = z.strictObject({
  attributes: z
    .record(z.string().min(1, "an attribute name cannot be empty").max(64, "an attribute name is at most 64 characters"), z.json(), {
      error: "expected attributes as an object",
    })
    .refine((a) => Object.keys(a).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`)
    .refine((a) => JSON.stringify(a).length <= MAX_ATTRIBUTES_BYTES, `attributes take at most ${MAX_ATTRIBUTES_BYTES / 1024} KiB`)
    .refine(
      (a) => Object.values(a).every((v) => typeof v !== "string" || v.length <= 1024),
      "an attribute's text is at most 1024 characters",
    ),
  /** experiment key → variation index */
  forcedVariations: z.record(z.string(), z.number().int("a variation index is a whole number").min(0, "a variation index is 0 or more")).optional(),
  url: z.string().max(2048, "the URL is at most 2048 characters").optional(),
  /** only these experiments (all running ones when absent) */
  experiments: z.array(z.string()).max(1000).optional(),
});

export type AssignRequestBody = z.output<typeof assignRequestSchema>;

/** Checks the attributes the payload hashes on (and falls back to): when present, text or a number, at most 128 characters. */
export function hashAttributeProblems(body: AssignRequestBody, payload: FeaturesPayload): string[] {
  const names = Object.values(payload.features).flatMap((f) => f.rules.flatMap((r) => [r.hashAttribute, ...(r.fallbackAttribute ? [r.fallbackAttribute] : [])]));
  const problems: string[] = [];
  for (const name of new Set(names)) {
    const v = body.attributes[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string" && typeof v !== "number") problems.push(`attributes.${name}: expected an id as text or a number`);
    else if (String(v).length > MAX_ID_LENGTH) problems.push(`attributes.${name}: an id is at most ${MAX_ID_LENGTH} characters`);
  }
  return problems;
}

export const toAssignRequest = (body: AssignRequestBody): AssignRequest => ({
  attributes: body.attributes as Record<string, unknown>,
  forcedVariations: body.forcedVariations,
  url: body.url,
});
