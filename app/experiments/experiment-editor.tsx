"use client";

import Link from "next/link";
import { useRef, useState, useTransition, type ReactNode } from "react";
import {
  ROLE_OPTIONS,
  SEGMENT_OPTIONS,
  STATUS_OPTIONS,
  weightShares,
  type ExperimentFormValues,
  type FieldErrors,
} from "@/lib/ui/experiment-form";
import { DATES_HINT, MAX_DATE, MIN_DATE } from "@/lib/analysis/experiment-rules";
import { formatPercent } from "@/lib/format";
import { saveExperimentAction } from "./actions";
import { AssignmentFields } from "./assignment-fields";
import { assignmentFormValues, type AssignmentFormValues } from "@/lib/ui/assignment-form";
import { ExposurePreviewPanel } from "./exposure-preview";

export interface MetricChoice {
  key: string;
  name: string;
  description: string;
  /** "mean", "proportion", "ratio", "p90 of rows" … */
  statistic: string;
}

const FIELD_LABELS: Record<string, string> = {
  id: "Id",
  name: "Name",
  hypothesis: "Hypothesis",
  owner: "Owner",
  status: "Status",
  startDate: "Start date",
  endDate: "End date",
  windowDays: "Metric window",
  exposureSource: "Exposure table",
  exposureKey: "Exposure key",
  controlVariant: "Control variant",
  variants: "Variants",
  metrics: "Metrics",
  segments: "Segments",
  assignment: "Assignment",
  plannedMde: "Planned effect",
};

function fieldId(path: string) {
  return `f-${path.replace(/\./g, "-")}`;
}

function labelFor(path: string): string {
  const [head, index, leaf] = path.split(".");
  if (head === "variants" && index !== undefined && leaf) return `Variant ${Number(index) + 1}: ${leaf}`;
  if (head === "metrics" && index !== undefined) return `Metric ${Number(index) + 1}`;
  if (head === "assignment" && index !== undefined) return `Assignment: ${index}`;
  return FIELD_LABELS[head ?? ""] ?? path;
}

function FieldError({ path, errors }: { path: string; errors: FieldErrors }) {
  const message = errors[path];
  if (!message) return null;
  return (
    <p className="field-error" id={`${fieldId(path)}-error`} data-field={path}>
      {message}
    </p>
  );
}

function Field({
  path,
  label,
  hint,
  errors,
  children,
}: {
  path: string;
  label: string;
  hint?: string;
  errors: FieldErrors;
  children: ReactNode;
}) {
  return (
    <div className={`form-field${errors[path] ? " invalid" : ""}`}>
      <label htmlFor={fieldId(path)}>{label}</label>
      {hint ? (
        <p className="muted small" id={`${fieldId(path)}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      <FieldError path={path} errors={errors} />
    </div>
  );
}

/** aria attributes tying an input to its hint and error message. */
function described(path: string, errors: FieldErrors, hint = false) {
  const ids = [hint ? `${fieldId(path)}-hint` : null, errors[path] ? `${fieldId(path)}-error` : null].filter(Boolean);
  return {
    id: fieldId(path),
    "aria-invalid": errors[path] ? true : undefined,
    "aria-describedby": ids.length ? ids.join(" ") : undefined,
  } as const;
}

export function ExperimentEditor({
  mode,
  initial,
  metrics,
  refused,
  initialAssignment,
  served = false,
}: {
  mode: "create" | "edit";
  initial: ExperimentFormValues;
  metrics: MetricChoice[];
  /** metric files that were refused, each naming the file and the field */
  refused?: string[];
  /** the current phase's assignment (issue 13) */
  initialAssignment?: AssignmentFormValues;
  /** the experiment has served traffic: an assignment change starts a new phase */
  served?: boolean;
}) {
  const [values, setValues] = useState<ExperimentFormValues>(initial);
  const [assignment, setAssignment] = useState<AssignmentFormValues>(() => initialAssignment ?? assignmentFormValues());
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, startSaving] = useTransition();
  const summaryRef = useRef<HTMLDivElement>(null);

  const set = <K extends keyof ExperimentFormValues>(key: K, value: ExperimentFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const setVariant = (i: number, key: "key" | "name" | "weight", value: string) =>
    setValues((v) => {
      const variants = v.variants.map((x, j) => (j === i ? { ...x, [key]: value } : x));
      // renaming the control's key keeps it the control
      const controlVariant = key === "key" && v.variants[i]?.key === v.controlVariant ? value : v.controlVariant;
      return { ...v, variants, controlVariant };
    });
  const roleOf = (key: string) => values.metrics.find((m) => m.key === key)?.role ?? "";
  const setRole = (key: string, role: string) =>
    setValues((v) => {
      const has = v.metrics.some((m) => m.key === key);
      const metricsNext =
        role === ""
          ? v.metrics.filter((m) => m.key !== key)
          : has
            ? v.metrics.map((m) => (m.key === key ? { ...m, role } : m))
            : [...v.metrics, { key, role }];
      return { ...v, metrics: metricsNext };
    });

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setMessage(null);
    startSaving(async () => {
      try {
        const state = await saveExperimentAction(mode, mode === "edit" ? initial.id : null, { ...values, assignment });
        // success redirects (nothing to show); anything returned is a problem to show
        if (!state) return;
        setErrors(state.errors);
        setMessage(state.message);
        requestAnimationFrame(() => summaryRef.current?.focus());
      } catch (err) {
        // redirect() surfaces as a thrown navigation signal and is handled by Next; anything else is a failure
        if (err && typeof err === "object" && "digest" in err && String((err as { digest: unknown }).digest).startsWith("NEXT_REDIRECT")) throw err;
        setMessage("The experiment could not be saved: the server did not answer. Please try again.");
      }
    });
  }

  const errorList = Object.entries(errors);
  const shares = weightShares(values.variants.map((v) => v.weight));
  const metricErrors = Object.entries(errors).filter(([k]) => k.startsWith("metrics"));
  const base = mode === "edit" ? `/experiments/${encodeURIComponent(initial.id)}` : "/experiments";

  return (
    <form className="editor" onSubmit={submit} noValidate aria-describedby={message ? "form-summary" : undefined}>
      <div ref={summaryRef} tabIndex={-1} id="form-summary" className={message ? "banner error" : "sr-only"} role={message ? "alert" : undefined}>
        {message ? (
          <>
            <strong>{message}</strong>
            {errorList.length > 0 ? (
              <ul>
                {errorList.map(([path, msg]) => (
                  <li key={path}>
                    <a href={`#${fieldId(path.startsWith("metrics") ? "metrics" : path)}`}>{labelFor(path)}</a>: {msg}
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
          <Field
            path="id"
            label="Id"
            hint={mode === "create" ? "The URL slug: lower-case letters, digits and dashes. It cannot change later." : "The id cannot change."}
            errors={errors}
          >
            <input
              {...described("id", errors, true)}
              name="id"
              value={values.id}
              onChange={(e) => set("id", e.target.value)}
              readOnly={mode === "edit"}
              autoComplete="off"
              spellCheck={false}
              required
            />
          </Field>
          <Field path="name" label="Name" errors={errors}>
            <input {...described("name", errors)} name="name" value={values.name} onChange={(e) => set("name", e.target.value)} required />
          </Field>
          <Field path="owner" label="Owner" errors={errors}>
            <input {...described("owner", errors)} name="owner" value={values.owner} onChange={(e) => set("owner", e.target.value)} />
          </Field>
          <Field path="status" label="Status" errors={errors}>
            <select {...described("status", errors)} name="status" value={values.status} onChange={(e) => set("status", e.target.value)}>
              {STATUS_OPTIONS.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field path="hypothesis" label="Hypothesis" hint="What should change, and why." errors={errors}>
          <textarea
            {...described("hypothesis", errors, true)}
            name="hypothesis"
            rows={2}
            value={values.hypothesis}
            onChange={(e) => set("hypothesis", e.target.value)}
          />
        </Field>
      </fieldset>

      <fieldset className="form-section">
        <legend>Exposure and dates</legend>
        <div className="form-grid">
          <Field path="startDate" label="Start date" hint={DATES_HINT} errors={errors}>
            <input
              {...described("startDate", errors, true)}
              type="date"
              name="startDate"
              min={MIN_DATE}
              max={MAX_DATE}
              value={values.startDate}
              onChange={(e) => set("startDate", e.target.value)}
              required
            />
          </Field>
          <Field path="endDate" label="End date" hint="Empty while it runs." errors={errors}>
            <input
              {...described("endDate", errors, true)}
              type="date"
              name="endDate"
              min={MIN_DATE}
              max={MAX_DATE}
              value={values.endDate}
              onChange={(e) => set("endDate", e.target.value)}
            />
          </Field>
          <Field path="windowDays" label="Metric window (days)" hint="Per user from first exposure; empty = to the end date." errors={errors}>
            <input
              {...described("windowDays", errors, true)}
              name="windowDays"
              inputMode="numeric"
              value={values.windowDays}
              onChange={(e) => set("windowDays", e.target.value)}
            />
          </Field>
          <Field path="exposureSource" label="Exposure table" hint="Warehouse table with the exposure log." errors={errors}>
            <input
              {...described("exposureSource", errors, true)}
              name="exposureSource"
              value={values.exposureSource}
              onChange={(e) => set("exposureSource", e.target.value)}
              spellCheck={false}
            />
          </Field>
          <Field path="exposureKey" label="Exposure key" hint="experiment_id in the exposure log; empty = the id." errors={errors}>
            <input
              {...described("exposureKey", errors, true)}
              name="exposureKey"
              value={values.exposureKey}
              onChange={(e) => set("exposureKey", e.target.value)}
              spellCheck={false}
            />
          </Field>
          <Field path="plannedMde" label="Planned effect (%)" hint="The relative lift of the primary metric the test should detect; sizes “keep running”." errors={errors}>
            <input
              {...described("plannedMde", errors, true)}
              name="plannedMde"
              inputMode="decimal"
              value={values.plannedMde}
              onChange={(e) => set("plannedMde", e.target.value)}
            />
          </Field>
        </div>
        <ExposurePreviewPanel
          query={{
            exposureTable: values.exposureSource.trim(),
            experimentKey: (values.exposureKey.trim() || values.id.trim()),
            startDate: values.startDate,
            endDate: values.endDate,
          }}
          variants={values.variants.map((v) => v.key.trim())}
        />
      </fieldset>

      <fieldset className="form-section" aria-describedby={errors.variants || errors.controlVariant ? "variants-errors" : undefined}>
        <legend>Variants</legend>
        <div id="variants-errors">
          <FieldError path="variants" errors={errors} />
          <FieldError path="controlVariant" errors={errors} />
        </div>
        <div className="table-wrap">
          <table className="variant-table stack-form">
            <thead>
              <tr>
                <th scope="col">Control</th>
                <th scope="col">Key</th>
                <th scope="col">Name</th>
                <th scope="col">Weight</th>
                <th scope="col" className="num">
                  Share
                </th>
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {values.variants.map((v, i) => (
                <tr key={i}>
                  <td data-label="Control">
                    <input
                      type="radio"
                      name="controlVariant"
                      aria-label={`Variant ${i + 1} is the control`}
                      checked={values.controlVariant === v.key && v.key !== ""}
                      onChange={() => set("controlVariant", v.key)}
                    />
                  </td>
                  {(["key", "name", "weight"] as const).map((k) => {
                    const path = `variants.${i}.${k}`;
                    return (
                      <td key={k} className={errors[path] ? "invalid" : undefined} data-label={k === "key" ? "Key" : k === "name" ? "Name" : "Weight"}>
                        <input
                          {...described(path, errors)}
                          aria-label={`Variant ${i + 1} ${k}`}
                          value={v[k]}
                          inputMode={k === "weight" ? "decimal" : undefined}
                          spellCheck={false}
                          onChange={(e) => setVariant(i, k, e.target.value)}
                        />
                        <FieldError path={path} errors={errors} />
                      </td>
                    );
                  })}
                  <td className="num share" data-testid={`share-${i}`} data-label="Share">
                    {shares[i] === null || shares[i] === undefined ? "—" : formatPercent(shares[i], 1)}
                  </td>
                  <td>
                    <button
                      type="button"
                      onClick={() => setValues((x) => ({ ...x, variants: x.variants.filter((_, j) => j !== i) }))}
                      disabled={values.variants.length <= 2}
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
          onClick={() =>
            setValues((x) => ({
              ...x,
              variants: [...x.variants, { key: `variant-${x.variants.length}`, name: `Variant ${x.variants.length}`, weight: "1" }],
            }))
          }
          disabled={values.variants.length >= 10}
        >
          Add variant
        </button>
        <p className="muted small">Weights are relative: users are split in the shares shown (60 and 30 make 66.7% and 33.3%).</p>
      </fieldset>

      <AssignmentFields values={assignment} onChange={setAssignment} errors={errors} served={served} />

      <fieldset className="form-section" id={fieldId("metrics")} tabIndex={-1}>
        <legend>Metrics</legend>
        <p className="muted small">From the metric files. Primary metrics decide; guardrails must not get worse.</p>
        {refused && refused.length > 0 ? (
          <div className="notice" role="status" data-testid="refused-metrics">
            <p>
              {refused.length === 1 ? "One metric file was" : `${refused.length} metric files were`} refused (the other metrics work as usual):
            </p>
            <ul>
              {refused.map((line) => (
                <li key={line}>
                  <code>{line}</code>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {metricErrors.map(([path, msg]) => (
          <p key={path} className="field-error" data-field={path}>
            {path === "metrics" ? msg : `${labelFor(path)}: ${msg}`}
          </p>
        ))}
        <div className="table-wrap">
          <table className="metric-choice">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Role</th>
              </tr>
            </thead>
            <tbody>
              {metrics.map((m) => (
                <tr key={m.key}>
                  <th scope="row">
                    <label htmlFor={`role-${m.key}`}>{m.name}</label>
                    <div className="muted small">
                      {m.key} · {m.statistic} · {m.description}
                    </div>
                  </th>
                  <td>
                    <select id={`role-${m.key}`} value={roleOf(m.key)} onChange={(e) => setRole(m.key, e.target.value)}>
                      <option value="">not used</option>
                      {ROLE_OPTIONS.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </fieldset>

      <fieldset className="form-section" aria-describedby={errors.segments ? `${fieldId("segments")}-error` : undefined}>
        <legend>Segments</legend>
        <p className="muted small">Dimensions the results can be sliced by (computed in the same query).</p>
        <div className="checks">
          {SEGMENT_OPTIONS.map((s) => (
            <label key={s.key}>
              <input
                type="checkbox"
                checked={values.segments.includes(s.key)}
                onChange={(e) =>
                  set(
                    "segments",
                    e.target.checked ? [...values.segments, s.key] : values.segments.filter((x) => x !== s.key),
                  )
                }
              />
              {s.label}
            </label>
          ))}
        </div>
        <FieldError path="segments" errors={errors} />
      </fieldset>

      <div className="toolbar">
        <button type="submit" className="primary" disabled={saving} aria-busy={saving}>
          {saving ? "Saving…" : mode === "create" ? "Create experiment" : "Save changes"}
        </button>
        <Link className="button" href={base}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
