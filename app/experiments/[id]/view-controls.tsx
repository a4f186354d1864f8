"use client";

import { useId, useState } from "react";
import { formatInteger } from "@/lib/format";
import type { SegmentInfo } from "@/lib/ui/results-view";
import { SEGMENT_DIMENSION_LABELS } from "@/lib/ui/results-view";
import { useViewNavigation, type ViewState } from "./use-view-navigation";

const ALPHAS = [
  { value: 0.01, label: "0.01 (99% intervals)" },
  { value: 0.05, label: "0.05 (95% intervals)" },
  { value: 0.1, label: "0.10 (90% intervals)" },
  { value: 0.2, label: "0.20 (80% intervals)" },
];

const CORRECTIONS = [
  { value: "none", label: "None" },
  { value: "holm", label: "Holm (FWER)" },
  { value: "bh", label: "Benjamini–Hochberg (FDR)" },
] as const;

export interface ViewControlsProps {
  current: ViewState;
  metrics: { key: string; name: string }[];
  treatments: { key: string; name: string }[];
}

/** Every control of the view; each change is a navigation, so the URL always reproduces the view. */
export function ViewControls({ current, metrics, treatments }: ViewControlsProps) {
  const { state, update, pending } = useViewNavigation(current);
  const { view, display } = state;
  const uid = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const alphas = ALPHAS.some((a) => a.value === view.alpha)
    ? ALPHAS
    : [...ALPHAS, { value: view.alpha, label: `${view.alpha} (${Math.round((1 - view.alpha) * 1000) / 10}% intervals)` }].sort(
        (a, b) => a.value - b.value,
      );
  const shownMetrics = display.metrics ?? metrics.map((m) => m.key);
  const shownVariants = display.variants ?? treatments.map((t) => t.key);

  function toggleIn(list: string[], all: string[], key: string): string[] | null {
    const next = list.includes(key) ? list.filter((k) => k !== key) : [...list, key];
    const ordered = all.filter((k) => next.includes(k));
    return ordered.length === all.length ? null : ordered;
  }

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied("Link copied");
    } catch {
      setCopied("Copy the address bar to share this view");
    }
    setTimeout(() => setCopied(null), 3000);
  }

  return (
    <form className="panel controls" aria-label="View options" onSubmit={(e) => e.preventDefault()} data-testid="view-controls">
      <div className="controls-grid">
        <fieldset className="segmented">
          <legend>Lift</legend>
          {(["relative", "absolute"] as const).map((d) => (
            <label key={d}>
              <input
                type="radio"
                name={`${uid}-display`}
                value={d}
                checked={display.display === d}
                onChange={() => update({ display: { display: d } })}
              />
              {d === "relative" ? "Relative" : "Absolute"}
            </label>
          ))}
        </fieldset>
        <fieldset className="segmented">
          <legend>Statistics</legend>
          {(["frequentist", "bayesian"] as const).map((m) => (
            <label key={m}>
              <input
                type="radio"
                name={`${uid}-mode`}
                value={m}
                checked={display.mode === m}
                onChange={() => update({ display: { mode: m } })}
              />
              {m === "frequentist" ? "Frequentist" : "Bayesian"}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Alpha</span>
          <select value={String(view.alpha)} onChange={(e) => update({ view: { alpha: Number(e.target.value) } })}>
            {alphas.map((a) => (
              <option key={a.value} value={String(a.value)}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field" title="Multiple-comparison correction over every metric and variant: Holm controls the family-wise error rate, Benjamini–Hochberg the false discovery rate">
          <span>Correction</span>
          <select
            value={view.correction}
            onChange={(e) => update({ view: { correction: e.target.value as ViewState["view"]["correction"] } })}
          >
            {CORRECTIONS.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <div className="checks">
          <label title="Always-valid confidence sequences: safe to look at the results every day">
            <input type="checkbox" checked={view.sequential} onChange={(e) => update({ view: { sequential: e.target.checked } })} />
            Sequential
          </label>
          <label title="Variance reduction with each user's pre-exposure value of the metric">
            <input type="checkbox" checked={view.cuped} onChange={(e) => update({ view: { cuped: e.target.checked } })} />
            CUPED
          </label>
          <label>
            <input
              type="checkbox"
              checked={display.significantOnly}
              onChange={(e) => update({ display: { significantOnly: e.target.checked } })}
            />
            Significant only
          </label>
        </div>
        <details className="filter">
          <summary>
            Metrics ({display.metrics ? `${shownMetrics.length} of ${metrics.length}` : "all"})
          </summary>
          <fieldset>
            <legend className="sr-only">Metrics to show</legend>
            {metrics.map((m) => {
              const on = shownMetrics.includes(m.key);
              return (
                <label key={m.key}>
                  <input
                    type="checkbox"
                    name="metric"
                    value={m.key}
                    checked={on}
                    disabled={on && shownMetrics.length === 1}
                    onChange={() => update({ display: { metrics: toggleIn(shownMetrics, metrics.map((x) => x.key), m.key) } })}
                  />
                  {m.name}
                </label>
              );
            })}
          </fieldset>
        </details>
        {treatments.length > 1 ? (
          <details className="filter">
            <summary>
              Variants ({display.variants ? `${shownVariants.length} of ${treatments.length}` : "all"})
            </summary>
            <fieldset>
              <legend className="sr-only">Variants to show</legend>
              {treatments.map((t) => {
                const on = shownVariants.includes(t.key);
                return (
                  <label key={t.key}>
                    <input
                      type="checkbox"
                      name="variant"
                      value={t.key}
                      checked={on}
                      disabled={on && shownVariants.length === 1}
                      onChange={() =>
                        update({ display: { variants: toggleIn(shownVariants, treatments.map((x) => x.key), t.key) } })
                      }
                    />
                    {t.name}
                  </label>
                );
              })}
            </fieldset>
          </details>
        ) : null}
      </div>
      <div className="toolbar controls-actions">
        <button type="button" onClick={() => update("reset")}>
          Reset view
        </button>
        <button type="button" onClick={copyLink}>
          Copy link to this view
        </button>
        <span role="status" aria-live="polite" className="muted status-slot">
          {pending ? "Recomputing…" : (copied ?? "")}
        </span>
      </div>
    </form>
  );
}

export function SegmentPicker({
  current,
  segments,
}: {
  current: ViewState;
  segments: SegmentInfo[];
}) {
  const { state, update, pending } = useViewNavigation(current);
  const uid = useId();
  const dims = (["platform", "country", "user_type"] as const).filter((d) => segments.some((s) => s.dimension === d));
  const all = segments.find((s) => s.id === "all");
  if (segments.length === 0) {
    return (
      <div className="segment-picker" data-testid="segment-picker">
        <label htmlFor={`${uid}-segment`}>Segment</label>{" "}
        <select id={`${uid}-segment`} disabled value="all">
          <option value="all">All users</option>
        </select>{" "}
        <span className="muted">Segments are not available for this snapshot; a new analysis computes them.</span>
      </div>
    );
  }
  const tabs: { id: string; label: string }[] = [
    { id: "all", label: "All users" },
    ...dims.map((d) => ({ id: `dim:${d}`, label: SEGMENT_DIMENSION_LABELS[d] })),
  ];
  const selected = segments.find((s) => s.id === state.display.segment) ?? all;
  const activeDim = selected && selected.dimension !== "all" ? selected.dimension : null;
  return (
    <div className="segment-picker" data-testid="segment-picker">
      <nav aria-label="Segment dimension" className="segment-tabs">
        {tabs.map((t) => {
          const isAll = t.id === "all";
          const dim = isAll ? null : (t.id.slice(4) as (typeof dims)[number]);
          const active = isAll ? activeDim === null : activeDim === dim;
          const target = isAll ? "all" : (segments.find((s) => s.dimension === dim)?.id ?? "all");
          return (
            <button
              key={t.id}
              type="button"
              className="tab"
              aria-current={active ? "true" : undefined}
              onClick={() => update({ display: { segment: target } })}
            >
              {t.label}
            </button>
          );
        })}
      </nav>
      {activeDim ? (
        <label className="field">
          <span>{SEGMENT_DIMENSION_LABELS[activeDim]}</span>
          <select value={selected?.id ?? "all"} onChange={(e) => update({ display: { segment: e.target.value } })}>
            {segments
              .filter((s) => s.dimension === activeDim)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.value} ({formatInteger(s.users)} users)
                </option>
              ))}
          </select>
        </label>
      ) : null}
      <span role="status" aria-live="polite" className="muted status-slot">
        {pending ? "Loading segment…" : ""}
      </span>
    </div>
  );
}
