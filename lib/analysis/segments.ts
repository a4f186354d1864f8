/** Dimensions an experiment's results can be sliced by, computed in the same warehouse query. */
export const SEGMENT_DIMENSIONS = ["platform", "country", "user_type"] as const;
export type SegmentDimension = (typeof SEGMENT_DIMENSIONS)[number];

export const SEGMENT_LABELS: Record<SegmentDimension, string> = {
  platform: "Platform",
  country: "Country",
  user_type: "New vs existing",
};

/** Values beyond the top N of a dimension are folded into this one, so slices stay bounded. */
export const OTHER_SEGMENT = "other";
export const DEFAULT_SEGMENT_LIMIT = 8;

export function isSegmentDimension(x: unknown): x is SegmentDimension {
  return typeof x === "string" && (SEGMENT_DIMENSIONS as readonly string[]).includes(x);
}

/** Parses the experiment's stored segment list, ignoring anything unknown. */
export function parseSegments(json: string): SegmentDimension[] {
  try {
    const list: unknown = JSON.parse(json);
    return Array.isArray(list) ? [...new Set(list.filter(isSegmentDimension))] : [];
  } catch {
    return [];
  }
}

export function sliceId(dimension: SegmentDimension | "all", value: string): string {
  return dimension === "all" ? "all" : `${dimension}:${value}`;
}
