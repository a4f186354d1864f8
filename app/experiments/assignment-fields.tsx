"use client";

import type { ReactNode } from "react";
import type { FieldErrors } from "@/lib/ui/experiment-form";
import { conditionInWords, type AssignmentFormValues } from "@/lib/ui/assignment-form";

const fieldId = (name: keyof AssignmentFormValues) => `f-assignment-${name}`;

function Field({ name, label, hint, errors, children }: { name: keyof AssignmentFormValues; label: string; hint?: string; errors: FieldErrors; children: ReactNode }) {
  const error = errors[`assignment.${name}`];
  return (
    <div className={`form-field${error ? " invalid" : ""}`}>
      <label htmlFor={fieldId(name)}>{label}</label>
      {hint ? (
        <p className="muted small" id={`${fieldId(name)}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p className="field-error" id={`${fieldId(name)}-error`} data-field={`assignment.${name}`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The experiment form's assignment section (issue 13): what the SDK payload serves. A change here
 * to an experiment that has served traffic starts a new phase, analysed on its own.
 */
export function AssignmentFields({
  values,
  onChange,
  errors,
  served,
}: {
  values: AssignmentFormValues;
  onChange: (next: AssignmentFormValues) => void;
  errors: FieldErrors;
  /** the experiment has served traffic (running or stopped): changes start a new phase */
  served: boolean;
}) {
  const set = (name: keyof AssignmentFormValues) => (e: { target: { value: string } }) => onChange({ ...values, [name]: e.target.value });
  const described = (name: keyof AssignmentFormValues, hint = false) => {
    const ids = [hint ? `${fieldId(name)}-hint` : null, errors[`assignment.${name}`] ? `${fieldId(name)}-error` : null].filter(Boolean);
    return { id: fieldId(name), "aria-invalid": errors[`assignment.${name}`] ? true : undefined, "aria-describedby": ids.length ? ids.join(" ") : undefined } as const;
  };
  const words = conditionInWords(values.condition);
  return (
    <fieldset className="form-section" data-testid="assignment-fields">
      <legend>Assignment and targeting</legend>
      <p className="muted small">
        What the SDK payload (GET /api/features/&lt;client key&gt;) serves while the experiment runs.
        {served ? " Changing who takes part or how they are split starts a new phase; each phase is analysed on its own." : ""}
      </p>
      <div className="form-grid">
        <Field name="coverage" label="Coverage (%)" hint="Share of eligible users that take part; the rest get the control and are not tracked." errors={errors}>
          <input {...described("coverage", true)} inputMode="decimal" value={values.coverage} onChange={set("coverage")} />
        </Field>
        <Field name="hashAttribute" label="Hash attribute" hint="The user attribute that decides the variant (usually id)." errors={errors}>
          <input {...described("hashAttribute", true)} spellCheck={false} value={values.hashAttribute} onChange={set("hashAttribute")} />
        </Field>
        <Field name="seed" label="Seed" hint="Empty: the experiment's key. A new seed re-randomises everybody." errors={errors}>
          <input {...described("seed", true)} spellCheck={false} value={values.seed} onChange={set("seed")} />
        </Field>
        <Field name="refreshHours" label="Analyse every (hours)" hint="While it runs; 0 = only when asked." errors={errors}>
          <input {...described("refreshHours", true)} inputMode="numeric" value={values.refreshHours} onChange={set("refreshHours")} />
        </Field>
        <Field name="namespace" label="Namespace" hint="Experiments of one namespace with disjoint ranges never share a user. Empty: none." errors={errors}>
          <input {...described("namespace", true)} spellCheck={false} value={values.namespace} onChange={set("namespace")} />
        </Field>
        <Field name="namespaceStart" label="Namespace from (%)" errors={errors}>
          <input {...described("namespaceStart")} inputMode="decimal" value={values.namespaceStart} onChange={set("namespaceStart")} disabled={values.namespace.trim() === ""} />
        </Field>
        <Field name="namespaceEnd" label="Namespace to (%)" errors={errors}>
          <input {...described("namespaceEnd")} inputMode="decimal" value={values.namespaceEnd} onChange={set("namespaceEnd")} disabled={values.namespace.trim() === ""} />
        </Field>
      </div>
      <Field
        name="condition"
        label="Targeting condition"
        hint={'Who may take part, on user attributes, as JSON: e.g. {"country": {"$in": ["US", "CA"]}, "age": {"$gte": 18}}. Operators: $eq $ne $in $nin $gt $gte $lt $lte $exists $regex $and $or $not; dots reach nested attributes. Empty: everyone.'}
        errors={errors}
      >
        <textarea {...described("condition", true)} rows={4} spellCheck={false} className="code" value={values.condition} onChange={set("condition")} />
      </Field>
      <p className="muted small" data-testid="condition-words" aria-live="polite">
        {words === null ? "The condition is not valid yet." : <>Takes part: <strong>{words}</strong></>}
      </p>
    </fieldset>
  );
}
