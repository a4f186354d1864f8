// The tests' own reference for GrowthBook's assignment, written from the algorithm's definition so
// the SDK's answers can be checked against something independent. Production code never hashes.

/** FNV-1a 32-bit (Fowler, Noll, Vo; offset basis 0x811c9dc5, prime 0x01000193) over UTF-16 code units (= bytes for ASCII). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** GrowthBook hash version 2: fnv1a32(str(fnv1a32(seed + id))) % 10000 / 10000. */
export const hashV2 = (seed: string, id: string) => (fnv1a32(String(fnv1a32(seed + id))) % 10000) / 10000;

/** GrowthBook hash version 1 (used for namespaces, seed "__" + namespace id): fnv1a32(id + seed) % 1000 / 1000. */
export const hashV1 = (seed: string, id: string) => (fnv1a32(id + seed) % 1000) / 1000;

/** Variation ranges: cumulative weights, each range cut to `coverage` of its width (GrowthBook's getBucketRanges). */
export function bucketRanges(weights: number[], coverage: number): [number, number][] {
  let start = 0;
  return weights.map((w) => {
    const range: [number, number] = [start, start + coverage * w];
    start += w;
    return range;
  });
}

/** The variation a bucket falls in, or -1 outside every range. */
export const variationOf = (bucket: number, ranges: [number, number][]) => ranges.findIndex(([lo, hi]) => bucket >= lo && bucket < hi);
