// Stable across server and client render (no hydration mismatch): UTC, minute precision. The date
// never breaks; on a narrow screen the time of day may go to the next line.
export function LocalTime({ iso }: { iso: string }) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return <time dateTime={iso}>—</time>;
  const text = d.toISOString();
  return (
    <time dateTime={iso}>
      <span className="nowrap">{text.slice(0, 10)}</span> <span className="nowrap">{text.slice(11, 16)} UTC</span>
    </time>
  );
}
