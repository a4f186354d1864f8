// What one snapshot may store: its SQL and its error message are capped, so a runaway statement or
// a warehouse error quoting it cannot grow the app database (or the page showing the snapshot) by
// megabytes per run. The largest analysis the rules allow (every registered metric, 10 variants,
// segments, a 2-year span) formats to about 30 KB, far under the SQL cap. Pure.

export const MAX_STORED_SQL_CHARS = 256 * 1024;
export const MAX_STORED_ERROR_CHARS = 4 * 1024;

/** The first `max` characters of `text` (never half a surrogate pair) and a note saying how much was cut. */
export function capText(text: string, max: number, note: (cut: number) => string): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + note(text.length - end);
}

export function storedSql(sql: string): string {
  return capText(sql, MAX_STORED_SQL_CHARS, (cut) => `\n-- … ${cut} more characters not stored (a snapshot keeps at most ${MAX_STORED_SQL_CHARS})`);
}

export function storedError(message: string): string {
  return capText(message, MAX_STORED_ERROR_CHARS, (cut) => ` … (${cut} more characters not stored)`);
}
