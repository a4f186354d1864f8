/** A run id from the path: a positive whole number that fits a database integer, else null. */
export function runIdParam(raw: string): number | null {
  if (!/^\d{1,10}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= 2_147_483_647 ? n : null;
}
