"use client";

import { useEffect, useRef, useState } from "react";
import { formatInteger } from "@/lib/format";
import type { ExposurePreview } from "@/lib/analysis/statements/exposure-preview";
import { previewExposuresAction } from "./actions";

export interface PreviewQuery {
  exposureTable: string;
  experimentKey: string;
  startDate: string;
  endDate: string;
}

type State = { kind: "idle" } | { kind: "loading" } | { kind: "done"; preview: ExposurePreview; query: PreviewQuery } | { kind: "error"; message: string };

/**
 * Before saving: what the warehouse holds for the form's exposure table, key and dates, per logged
 * variant, asked again (after a pause in typing) whenever one of them changes. The form's variants
 * that were never logged, and logged values the form lacks, are called out: either would make the
 * analysis find nobody (or a broken split).
 */
export function ExposurePreviewPanel({ query, variants }: { query: PreviewQuery; variants: string[] }) {
  const [state, setState] = useState<State>({ kind: "idle" });
  const latest = useRef(0);
  const key = JSON.stringify(query);

  useEffect(() => {
    if (!query.experimentKey || !query.startDate) {
      setState({ kind: "idle" });
      return;
    }
    const ticket = ++latest.current;
    const timer = setTimeout(async () => {
      setState({ kind: "loading" });
      try {
        const res = await previewExposuresAction(query);
        if (ticket !== latest.current) return;
        setState(res.ok ? { kind: "done", preview: res.preview, query } : { kind: "error", message: res.message });
      } catch {
        if (ticket === latest.current) setState({ kind: "error", message: "The server did not answer." });
      }
    }, 500);
    return () => clearTimeout(timer);
    // the query's fields, by value, are the dependencies
  }, [key]);

  const range = (
    <>
      <span className="nowrap">{query.startDate || "—"}</span> → <span className="nowrap">{query.endDate || "today"}</span>
    </>
  );
  return (
    <div className="exposure-preview" data-testid="exposure-preview" aria-live="polite">
      <p className="preview-title">
        <strong>In the warehouse</strong>{" "}
        <span className="muted small">
          exposure key “{query.experimentKey || "—"}”, {range}
        </span>
      </p>
      {state.kind === "idle" ? <p className="muted small">Give an id (or exposure key) and a start date to see how many users were exposed.</p> : null}
      {state.kind === "loading" ? <p className="muted small">Asking the warehouse…</p> : null}
      {state.kind === "error" ? (
        <p className="field-error" role="alert">
          {state.message}
        </p>
      ) : null}
      {state.kind === "done" ? <PreviewTable preview={state.preview} variants={variants} /> : null}
    </div>
  );
}

function PreviewTable({ preview, variants }: { preview: ExposurePreview; variants: string[] }) {
  if (preview.variants.length === 0) {
    return (
      <p className="preview-empty warn-text" data-testid="preview-empty">
        No exposures: an analysis of these dates would find nobody. Check the exposure key and the dates (experiments log under their key from
        the day they start).
      </p>
    );
  }
  const logged = new Set(preview.variants.map((v) => v.variant ?? ""));
  const missing = variants.filter((v) => v && !logged.has(v));
  return (
    <>
      <div className="table-scroll">
        <table className="compact stack-sm" data-testid="preview-table">
          <thead>
            <tr>
              <th scope="col">Logged variant</th>
              <th scope="col" className="num">
                Users
              </th>
              <th scope="col" className="num">
                Exposures
              </th>
              <th scope="col">In this form</th>
            </tr>
          </thead>
          <tbody>
            {preview.variants.map((v) => {
              const known = v.variant !== null && variants.includes(v.variant);
              return (
                <tr key={v.variant ?? "(null)"} className={known ? undefined : "warn"}>
                  <th scope="row">{v.variant ?? "(empty)"}</th>
                  <td className="num" data-label="Users">
                    {formatInteger(v.users)}
                  </td>
                  <td className="num" data-label="Exposures">
                    {formatInteger(v.exposures)}
                  </td>
                  <td data-label="In this form">{known ? "✓" : "not a variant here: left out"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {missing.length ? (
        <p className="warn-text small" data-testid="preview-missing">
          Never logged: {missing.map((m) => `“${m}”`).join(", ")}. An analysis would see no users there.
        </p>
      ) : null}
      {preview.truncated ? <p className="muted small">More variant values are logged than listed.</p> : null}
    </>
  );
}
