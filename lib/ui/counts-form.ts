// The counts form (issue 13): values as typed, turned into the counts input the API takes
// (lib/counts/counts.ts validates it and names problems by path). No I/O.
import type { CountsError, ParsedCounts } from "@/lib/counts/counts";

export interface CountsCell {
  conversions: string;
  n: string;
  mean: string;
  sd: string;
}

export interface CountsFormValues {
  id: string;
  name: string;
  hypothesis: string;
  variants: { key: string; name: string; weight: string; users: string }[];
  metrics: { key: string; name: string; type: "proportion" | "mean"; role: "primary" | "secondary" | "guardrail"; higherIsBetter: boolean; cells: CountsCell[] }[];
}

export const emptyCell = (): CountsCell => ({ conversions: "", n: "", mean: "", sd: "" });

export function emptyCountsForm(): CountsFormValues {
  return {
    id: "",
    name: "",
    hypothesis: "",
    variants: [
      { key: "control", name: "Control", weight: "1", users: "" },
      { key: "treatment", name: "Treatment", weight: "1", users: "" },
    ],
    metrics: [{ key: "converted", name: "Converted", type: "proportion", role: "primary", higherIsBetter: true, cells: [emptyCell(), emptyCell()] }],
  };
}

/** A number as typed, or the text itself (so the check names it), or undefined when empty. */
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t.replace(/[\s,_](?=\d{3}\b)/g, ""));
  return Number.isFinite(n) ? n : t;
}

/** The counts input the API takes, from the form's values. */
export function countsFromForm(v: CountsFormValues): Record<string, unknown> {
  return {
    name: v.name.trim() || undefined,
    hypothesis: v.hypothesis.trim() || undefined,
    control: v.variants[0]?.key.trim(),
    variants: v.variants.map((x) => ({ key: x.key.trim(), name: x.name.trim() || undefined, weight: num(x.weight), users: num(x.users) })),
    metrics: v.metrics.map((m) => ({
      key: m.key.trim(),
      name: m.name.trim() || undefined,
      type: m.type,
      role: m.role,
      higherIsBetter: m.higherIsBetter,
      data: Object.fromEntries(
        v.variants.map((x, i) => {
          const c = m.cells[i] ?? emptyCell();
          return [x.key.trim(), m.type === "proportion" ? { conversions: num(c.conversions) } : { n: num(c.n), mean: num(c.mean), sd: num(c.sd) }];
        }),
      ),
    })),
  };
}

/** Counts saved before, back into the form (control first, as saved). */
export function countsFormFrom(id: string, c: ParsedCounts): CountsFormValues {
  const text = (x: number | undefined) => (x === undefined ? "" : String(x));
  return {
    id,
    name: c.name ?? "",
    hypothesis: c.hypothesis ?? "",
    variants: c.variants.map((v) => ({ key: v.key, name: v.name ?? "", weight: text(v.weight ?? 1), users: text(v.users) })),
    metrics: c.metrics.map((m) => ({
      key: m.key,
      name: m.name ?? "",
      type: m.type,
      role: m.role,
      higherIsBetter: m.higherIsBetter,
      cells: c.variants.map((v) => {
        const d = (m.data[v.key] ?? {}) as { users?: number; conversions?: number; n?: number; mean?: number; sd?: number };
        return { conversions: text(d.conversions), n: text(d.n ?? d.users), mean: text(d.mean), sd: text(d.sd) };
      }),
    })),
  };
}

/** "metrics[1].data.control.sd" → "Metric 2 (revenue), control: sd". */
export function problemLabel(e: CountsError, v: CountsFormValues): string {
  const m = /^metrics\[(\d+)\](?:\.data\.([^.]+)(?:\.(.+))?)?(?:\.(\w+))?$/.exec(e.path);
  if (m) {
    const metric = v.metrics[Number(m[1])];
    const head = `Metric ${Number(m[1]) + 1}${metric?.key ? ` (${metric.key})` : ""}`;
    if (m[2]) return `${head}, ${m[2]}${m[3] ? `: ${m[3]}` : ""}`;
    return m[4] ? `${head}: ${m[4]}` : head;
  }
  const vm = /^variants\[(\d+)\](?:\.(\w+))?$/.exec(e.path);
  if (vm) return `Variant ${Number(vm[1]) + 1}${vm[2] ? `: ${vm[2]}` : ""}`;
  return e.path || "Counts";
}
