import { z } from "zod";
import { DEFAULT_VIEW, type ViewOptions } from "./stats-request";

const flag = z.enum(["0", "1"]).transform((v) => v === "1");

// The dashboard view lives in the URL, so a shared link reproduces it; bad values fall back to defaults.
const viewSchema = z.object({
  alpha: z.coerce.number().gt(0).lt(0.5).catch(DEFAULT_VIEW.alpha),
  correction: z.enum(["none", "holm", "bh"]).catch(DEFAULT_VIEW.correction),
  sequential: flag.catch(DEFAULT_VIEW.sequential),
  cuped: flag.catch(DEFAULT_VIEW.cuped),
});

type Params = Record<string, string | string[] | undefined>;

export function viewFromParams(params: Params): ViewOptions {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return viewSchema.parse({
    alpha: first(params.alpha) ?? DEFAULT_VIEW.alpha,
    correction: first(params.correction) ?? DEFAULT_VIEW.correction,
    sequential: first(params.sequential) ?? (DEFAULT_VIEW.sequential ? "1" : "0"),
    cuped: first(params.cuped) ?? (DEFAULT_VIEW.cuped ? "1" : "0"),
  });
}
