"use client";

import Link from "next/link";
import { useRef, useState, useTransition } from "react";
import { countsFromForm, emptyCell, problemLabel, type CountsCell, type CountsFormValues } from "@/lib/ui/counts-form";
import type { CountsError } from "@/lib/counts/counts";
import { saveCountsAction } from "./counts-actions";

const ROLES = ["primary", "secondary", "guardrail"] as const;
const VARIANT_COLUMNS = { key: "Key", name: "Name", weight: "Planned weight", users: "Users" } as const;

/**
 * Counts typed in (issue 13): per variant its users, and per metric either conversions (a rate)
 * or n, mean and standard deviation. Saved counts are analysed by the stats engine at once.
 */
export function CountsEditor({ mode, initial }: { mode: "create" | "edit"; initial: CountsFormValues }) {
  const [v, setV] = useState<CountsFormValues>(initial);
  const [problems, setProblems] = useState<CountsError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saving, startSaving] = useTransition();
  const summary = useRef<HTMLDivElement>(null);

  const setVariant = (i: number, field: keyof CountsFormValues["variants"][number], value: string) =>
    setV((x) => ({ ...x, variants: x.variants.map((row, j) => (j === i ? { ...row, [field]: value } : row)) }));
  const setMetric = (i: number, patch: Partial<CountsFormValues["metrics"][number]>) =>
    setV((x) => ({ ...x, metrics: x.metrics.map((m, j) => (j === i ? { ...m, ...patch } : m)) }));
  const setCell = (mi: number, vi: number, field: keyof CountsCell, value: string) =>
    setV((x) => ({
      ...x,
      metrics: x.metrics.map((m, j) => (j === mi ? { ...m, cells: x.variants.map((_, k) => (k === vi ? { ...(m.cells[k] ?? emptyCell()), [field]: value } : (m.cells[k] ?? emptyCell()))) } : m)),
    }));

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setMessage(null);
    startSaving(async () => {
      try {
        const state = await saveCountsAction(mode, v.id, countsFromForm(v));
        if (!state) return;
        setProblems(state.problems);
        setMessage(state.message);
        requestAnimationFrame(() => summary.current?.focus());
      } catch (err) {
        if (err && typeof err === "object" && "digest" in err && String((err as { digest: unknown }).digest).startsWith("NEXT_REDIRECT")) throw err;
        setMessage("The counts could not be saved: the server did not answer. Please try again.");
      }
    });
  }

  const cellInput = (mi: number, vi: number, field: keyof CountsCell, label: string) => (
    <input
      aria-label={`${v.metrics[mi]?.key || `metric ${mi + 1}`} ${v.variants[vi]?.key || `variant ${vi + 1}`} ${label}`}
      inputMode="decimal"
      size={8}
      value={v.metrics[mi]?.cells[vi]?.[field] ?? ""}
      onChange={(e) => setCell(mi, vi, field, e.target.value)}
    />
  );

  return (
    <form className="editor" onSubmit={submit} noValidate data-testid="counts-editor">
      <div ref={summary} tabIndex={-1} id="form-summary" className={message ? "banner error" : "sr-only"} role={message ? "alert" : undefined}>
        {message ? (
          <>
            <strong>{message}</strong>
            {problems.length > 0 ? (
              <ul data-testid="counts-problems">
                {problems.map((p) => (
                  <li key={`${p.path}:${p.message}`}>
                    {problemLabel(p, v)}: {p.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
      </div>

      <fieldset className="form-section">
        <legend>Experiment</legend>
        <div className="form-grid">
          <div className="form-field">
            <label htmlFor="counts-id">Id</label>
            <input id="counts-id" value={v.id} readOnly={mode === "edit"} spellCheck={false} onChange={(e) => setV({ ...v, id: e.target.value })} />
          </div>
          <div className="form-field">
            <label htmlFor="counts-name">Name</label>
            <input id="counts-name" value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} />
          </div>
        </div>
        <div className="form-field">
          <label htmlFor="counts-hypothesis">Hypothesis</label>
          <textarea id="counts-hypothesis" rows={2} value={v.hypothesis} onChange={(e) => setV({ ...v, hypothesis: e.target.value })} />
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>Variants</legend>
        <p className="muted small">The first one is the control. Users: everybody assigned to the variant (the sample ratio check compares them with the planned weights).</p>
        <div className="table-wrap">
          <table className="variant-table stack-form">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Name</th>
                <th scope="col">Planned weight</th>
                <th scope="col">Users</th>
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {v.variants.map((row, i) => (
                <tr key={i}>
                  {(["key", "name", "weight", "users"] as const).map((f) => (
                    <td key={f} data-label={VARIANT_COLUMNS[f]}>
                      <input aria-label={`Variant ${i + 1} ${f}`} value={row[f]} inputMode={f === "weight" || f === "users" ? "numeric" : undefined} spellCheck={false} onChange={(e) => setVariant(i, f, e.target.value)} />
                    </td>
                  ))}
                  <td>
                    <button
                      type="button"
                      disabled={v.variants.length <= 2}
                      onClick={() => setV((x) => ({ ...x, variants: x.variants.filter((_, j) => j !== i), metrics: x.metrics.map((m) => ({ ...m, cells: m.cells.filter((_, j) => j !== i) })) }))}
                    >
                      Remove<span className="sr-only"> variant {i + 1}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button
          type="button"
          disabled={v.variants.length >= 10}
          onClick={() => setV((x) => ({ ...x, variants: [...x.variants, { key: `variant-${x.variants.length}`, name: "", weight: "1", users: "" }], metrics: x.metrics.map((m) => ({ ...m, cells: [...m.cells, emptyCell()] })) }))}
        >
          Add variant
        </button>
      </fieldset>

      <fieldset className="form-section">
        <legend>Metrics</legend>
        {v.metrics.map((m, mi) => (
          <div key={mi} className="panel" data-testid={`counts-metric-${mi}`}>
            <div className="form-grid">
              <div className="form-field">
                <label htmlFor={`m-${mi}-key`}>Metric key</label>
                <input id={`m-${mi}-key`} value={m.key} spellCheck={false} onChange={(e) => setMetric(mi, { key: e.target.value })} />
              </div>
              <div className="form-field">
                <label htmlFor={`m-${mi}-name`}>Name</label>
                <input id={`m-${mi}-name`} value={m.name} onChange={(e) => setMetric(mi, { name: e.target.value })} />
              </div>
              <div className="form-field">
                <label htmlFor={`m-${mi}-type`}>Counts</label>
                <select id={`m-${mi}-type`} value={m.type} onChange={(e) => setMetric(mi, { type: e.target.value as "proportion" | "mean" })}>
                  <option value="proportion">conversions (a rate)</option>
                  <option value="mean">n, mean and standard deviation</option>
                </select>
              </div>
              <div className="form-field">
                <label htmlFor={`m-${mi}-role`}>Role</label>
                <select id={`m-${mi}-role`} value={m.role} onChange={(e) => setMetric(mi, { role: e.target.value as (typeof ROLES)[number] })}>
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </div>
            </div>
            <label className="small">
              <input type="checkbox" checked={m.higherIsBetter} onChange={(e) => setMetric(mi, { higherIsBetter: e.target.checked })} /> higher is better
            </label>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Variant</th>
                    {m.type === "proportion" ? (
                      <th scope="col">Conversions</th>
                    ) : (
                      <>
                        <th scope="col">n (empty: the users)</th>
                        <th scope="col">Mean</th>
                        <th scope="col">Standard deviation</th>
                      </>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {v.variants.map((row, vi) => (
                    <tr key={vi}>
                      <th scope="row">{row.key || `variant ${vi + 1}`}</th>
                      {m.type === "proportion" ? (
                        <td>{cellInput(mi, vi, "conversions", "conversions")}</td>
                      ) : (
                        <>
                          <td>{cellInput(mi, vi, "n", "n")}</td>
                          <td>{cellInput(mi, vi, "mean", "mean")}</td>
                          <td>{cellInput(mi, vi, "sd", "sd")}</td>
                        </>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <button type="button" disabled={v.metrics.length <= 1} onClick={() => setV((x) => ({ ...x, metrics: x.metrics.filter((_, j) => j !== mi) }))}>
              Remove metric
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => setV((x) => ({ ...x, metrics: [...x.metrics, { key: "", name: "", type: "proportion", role: "secondary", higherIsBetter: true, cells: x.variants.map(() => emptyCell()) }] }))}
        >
          Add metric
        </button>
      </fieldset>

      <div className="toolbar">
        <button type="submit" className="primary" disabled={saving} aria-busy={saving}>
          {saving ? "Saving…" : "Save and analyse"}
        </button>
        <Link className="button" href={mode === "edit" ? `/experiments/${encodeURIComponent(initial.id)}` : "/experiments"}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
