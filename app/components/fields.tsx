import { useEffect, useRef, type ReactNode } from "react";
import type { FieldMeta as Meta, FormMeta as AnyForm } from "../lib/use-form";

/** The first value of a field, as text (a list sent for one field shows its first). */
function textOf(value: Meta["initialValue"]): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function describedBy(meta: Meta, hintId: string | undefined): string | undefined {
  const ids = [hintId, meta.errors?.length ? meta.errorId : undefined].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function FieldError({ meta }: { meta: Pick<Meta, "errors" | "errorId"> }) {
  if (!meta.errors?.length) return null;
  return (
    <p className="field-error" id={meta.errorId}>
      {meta.errors.join(" ")}
    </p>
  );
}

function Hint({ id, children }: { id: string; children: ReactNode }) {
  return (
    <span className="hint" id={id}>
      {children}
    </span>
  );
}

export function TextField({
  meta,
  label,
  hint,
  type = "text",
  autoComplete,
  required,
}: {
  meta: Meta;
  label: string;
  hint?: ReactNode;
  type?: "text" | "email" | "password" | "url" | "date" | "datetime-local" | "number";
  autoComplete?: string;
  required?: boolean;
}) {
  const hintId = hint ? `${meta.id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      {hint ? <Hint id={hintId!}>{hint}</Hint> : null}
      <input
        id={meta.id}
        name={meta.name}
        type={type}
        defaultValue={type !== "password" ? textOf(meta.initialValue) : undefined}
        required={required}
        autoComplete={autoComplete}
        aria-invalid={meta.errors?.length ? true : undefined}
        aria-describedby={describedBy(meta, hintId)}
      />
      <FieldError meta={meta} />
    </div>
  );
}

export function TextAreaField({ meta, label, hint, rows = 5 }: { meta: Meta; label: string; hint?: ReactNode; rows?: number }) {
  const hintId = hint ? `${meta.id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      {hint ? <Hint id={hintId!}>{hint}</Hint> : null}
      <textarea
        id={meta.id}
        name={meta.name}
        defaultValue={meta.initialValue?.toString()}
        rows={rows}
        aria-invalid={meta.errors?.length ? true : undefined}
        aria-describedby={describedBy(meta, hintId)}
      />
      <FieldError meta={meta} />
    </div>
  );
}

export function SelectField({
  meta,
  label,
  hint,
  options,
  placeholder,
}: {
  meta: Meta;
  label: string;
  hint?: ReactNode;
  options: { value: string; label: string }[];
  placeholder?: string;
}) {
  const hintId = hint ? `${meta.id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      {hint ? <Hint id={hintId!}>{hint}</Hint> : null}
      {/* A value sent more than once comes back as a list: a single select shows none of it. */}
      <select
        id={meta.id}
        name={meta.name}
        defaultValue={textOf(meta.initialValue)}
        aria-invalid={meta.errors?.length ? true : undefined}
        aria-describedby={describedBy(meta, hintId)}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError meta={meta} />
    </div>
  );
}

/** One checkbox whose presence means yes ("on"). */
export function CheckboxField({ meta, label, hint }: { meta: Meta; label: string; hint?: ReactNode }) {
  const hintId = hint ? `${meta.id}-hint` : undefined;
  return (
    <div className="field">
      <div className="check">
        <input
          id={meta.id}
          name={meta.name}
          type="checkbox"
          value="on"
          defaultChecked={Array.isArray(meta.initialValue) ? false : meta.initialValue === "on"}
          aria-invalid={meta.errors?.length ? true : undefined}
          aria-describedby={[hintId, meta.errors?.length ? meta.errorId : undefined].filter(Boolean).join(" ") || undefined}
        />
        <label htmlFor={meta.id}>{label}</label>
      </div>
      {hint ? <Hint id={hintId!}>{hint}</Hint> : null}
      <FieldError meta={meta} />
    </div>
  );
}

interface Choice {
  value: string;
  label: string;
  /** Read after the label by screen readers (aria-describedby), shown under it. */
  description?: string;
}

/** Checkboxes or radio buttons with one name, in a fieldset: each control is named by its own label. */
function ChoiceGroup({
  type,
  meta,
  legend,
  hint,
  options,
  checked,
}: {
  type: "checkbox" | "radio";
  meta: Meta;
  legend: string;
  hint?: ReactNode;
  options: Choice[];
  checked: (value: string) => boolean;
}) {
  const hintId = hint ? `${meta.id}-hint` : undefined;
  return (
    <fieldset
      id={meta.id}
      className="field"
      aria-invalid={meta.errors?.length ? true : undefined}
      aria-describedby={[hintId, meta.errors?.length ? meta.errorId : undefined].filter(Boolean).join(" ") || undefined}
    >
      <legend>{legend}</legend>
      {hint ? <Hint id={hintId!}>{hint}</Hint> : null}
      {options.map((o) => {
        const id = `${meta.id}-${o.value}`;
        return (
          <div className="check" key={o.value}>
            <input
              type={type}
              id={id}
              name={meta.name}
              value={o.value}
              defaultChecked={checked(o.value)}
              aria-describedby={o.description ? `${id}-description` : undefined}
            />
            <div>
              <label htmlFor={id}>{o.label}</label>
              {o.description ? (
                <span className="hint" id={`${id}-description`}>
                  {o.description}
                </span>
              ) : null}
            </div>
          </div>
        );
      })}
      <FieldError meta={meta} />
    </fieldset>
  );
}

/** A group of checkboxes with one name (the pillars). */
export function CheckboxGroup(props: { meta: Meta; legend: string; hint?: ReactNode; options: Choice[] }) {
  const initial = props.meta.initialValue;
  const selected = new Set<unknown>(Array.isArray(initial) ? initial : initial ? [initial] : []);
  return <ChoiceGroup type="checkbox" {...props} checked={(v) => selected.has(v)} />;
}

/** One choice among a few (radio buttons with one name). */
export function RadioGroup(props: { meta: Meta; legend: string; hint?: ReactNode; options: Choice[] }) {
  const initial = typeof props.meta.initialValue === "string" ? props.meta.initialValue : undefined;
  return <ChoiceGroup type="radio" {...props} checked={(v) => initial === v} />;
}

/**
 * The form's errors, listed at the top and linked to their fields; focused after a failed submit
 * so that screen-reader users hear what went wrong.
 */
export function ErrorSummary({ form }: { form: AnyForm }) {
  const ref = useRef<HTMLDivElement>(null);
  const all = form.allErrors;
  const entries = Object.entries(all).filter(([, messages]) => messages.length > 0);
  useEffect(() => {
    if (entries.length) ref.current?.focus();
  }, [entries.length]);
  if (!entries.length) return null;
  // Not `${form.id}-summary`: that is the id of a field named "summary" (a label would point here).
  return (
    <div className="notice error" role="alert" tabIndex={-1} ref={ref} aria-labelledby={`${form.id}-problems`}>
      <h2 id={`${form.id}-problems`}>Please correct the following</h2>
      <ul>
        {entries.map(([name, messages]) => (
          <li key={name}>
            {name === "" ? messages.join(" ") : <a href={`#${form.id}-${name.replace(/\[.*$/, "")}`}>{messages.join(" ")}</a>}
          </li>
        ))}
      </ul>
    </div>
  );
}
