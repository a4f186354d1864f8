// The two SDK-facing routes as functions of the request (the routes only export them):
//   GET  /api/features/<client-key>  the features payload GrowthBook's SDKs load, with ETag/304
//   POST /api/assign                 the same assignments, made here by the SDK, for clients in
//                                    languages without one (a client key, as for the payload)
import { authorizeClientKey, corsHeaders, corsPreflight } from "@/lib/auth/client-keys";
import { assignRequestSchema, createAssigner, featuresResponse, hashAttributeProblems, toAssignRequest, type Assigner, type FeaturesPayload } from "@/lib/assignment";
import { readTextWithin } from "@/lib/collect/read-body";
import { publicMessage } from "@/lib/public-error";
import { servedPayload } from "./features";

const GET_METHODS = "GET, OPTIONS";
const POST_METHODS = "POST, OPTIONS";
const ASSIGN_BODY_LIMIT_BYTES = 64 * 1024;

export async function handleFeatures(req: Request, clientKey: string): Promise<Response> {
  const check = await authorizeClientKey(req, clientKey);
  if (!check.ok) return check.response;
  const cors = corsHeaders(check.origin, GET_METHODS);
  try {
    const { payload } = await servedPayload();
    const out = featuresResponse(payload, req.headers.get("if-none-match"));
    return new Response(out.body ?? null, { status: out.status, headers: { ...out.headers, ...cors } });
  } catch (err) {
    return Response.json({ error: publicMessage(err, "the features could not be read") }, { status: 503, headers: { ...cors, "retry-after": "5" } });
  }
}

export function featuresPreflight(req: Request, clientKey: string): Promise<Response> {
  return corsPreflight(req, clientKey, GET_METHODS);
}

// one assigner per payload (the SDK client is built once and reused while the payload is the same)
const slot = globalThis as typeof globalThis & { __assigner?: { payload: FeaturesPayload; assigner: Assigner } };
function assignerFor(payload: FeaturesPayload): Assigner {
  if (slot.__assigner?.payload !== payload) slot.__assigner = { payload, assigner: createAssigner(payload) };
  return slot.__assigner.assigner;
}

export async function handleAssign(req: Request): Promise<Response> {
  const check = await authorizeClientKey(req);
  if (!check.ok) return check.response;
  const cors = corsHeaders(check.origin, POST_METHODS);
  const bad = (error: string, status = 400) => Response.json({ error }, { status, headers: cors });
  const text = await readTextWithin(req, ASSIGN_BODY_LIMIT_BYTES);
  if (text === null) return bad("request body too large: at most 64 KiB", 413);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return bad(`the body is not JSON: ${(err as Error).message}`);
  }
  const parsed = assignRequestSchema.safeParse(json);
  if (!parsed.success) return bad(parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`).join("; "));
  let payload: FeaturesPayload;
  try {
    payload = (await servedPayload()).payload;
  } catch (err) {
    return Response.json({ error: publicMessage(err, "the experiments could not be read") }, { status: 503, headers: { ...cors, "retry-after": "5" } });
  }
  const problems = hashAttributeProblems(parsed.data, payload);
  if (problems.length > 0) return bad(problems.join("; "));
  const assigner = assignerFor(payload);
  const wanted = parsed.data.experiments;
  const unknown = wanted?.filter((k) => !assigner.experimentKeys.includes(k)) ?? [];
  if (unknown.length > 0) return bad(`not running: ${unknown.slice(0, 10).join(", ")}`, 404);
  const all = assigner.assign(toAssignRequest(parsed.data));
  const assignments = wanted ? all.filter((a) => wanted.includes(a.experimentKey)) : all;
  return Response.json({ assignments }, { headers: { ...cors, "cache-control": "no-store" } });
}

export function assignPreflight(req: Request): Promise<Response> {
  return corsPreflight(req, null, POST_METHODS);
}
