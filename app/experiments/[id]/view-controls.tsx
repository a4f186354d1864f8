"use client";

import { useId, useState } from "react";
import { levelPercent } from "@/lib/ui/results-view";
import { useViewNavigation, type ViewState } from "./use-view-navigation";

const ALPHAS = [0.01, 0.05, 0.1, 0.2];

function alphaLabel(alpha: number, bayesian: boolean): string {
  return bayesian ? `${alpha} (win at ${levelPercent(alpha)}% chance)` : `${alpha} (${levelPercent(alpha)}% intervals)`;
}

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
  const bayesian = display.mode === "bayesian";
  const alphas = (ALPHAS.includes(view.alpha) ? ALPHAS : [...ALPHAS, view.alpha].sort((a, b) => a - b)).map((value) => ({ value, label: alphaLabel(value, bayesian) }));
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
                onChange={() => update({ display: { mode: m }, view: { mode: m } })}
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
        <label
          className="field"
          title={
            bayesian
              ? "Bayesian results are not adjusted for multiple comparisons"
              : "Multiple-comparison correction over every metric and variant: Holm controls the family-wise error rate, Benjamini–Hochberg the false discovery rate"
          }
        >
          <span>Correction{bayesian ? " (frequentist only)" : ""}</span>
          <select
            disabled={bayesian}
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
          <label title={bayesian ? "Sequential testing applies to frequentist results" : "Always-valid confidence sequences: safe to look at the results every day"}>
            <input type="checkbox" disabled={bayesian} checked={view.sequential} onChange={(e) => update({ view: { sequential: e.target.checked } })} />
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
