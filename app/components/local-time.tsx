// Stable across server and client render (no hydration mismatch): UTC, minute precision.
export function LocalTime({ iso }: { iso: string }) {
  const d = new Date(iso);
  const text = Number.isNaN(d.getTime()) ? "—" : d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  return <time dateTime={iso}>{text}</time>;
}
