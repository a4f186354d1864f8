/** "2026-10-01 → 2026-10-28": a date never breaks inside; the range may break after the arrow on narrow screens. */
export function DateRange({ start, end }: { start: string; end: string | null }) {
  return (
    <span className="date-range">
      <span className="nowrap">{start}</span> → <span className="nowrap">{end ?? "ongoing"}</span>
    </span>
  );
}
