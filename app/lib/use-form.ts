import type { SubmissionResult } from "@conform-to/react";
import { useEffect, useLayoutEffect, useRef, useState, type FocusEvent, type FormEvent } from "react";

/*
 * What a form needs in the browser from the server's answer (conform's `submission.reply()` on the
 * server, docs/decisions/095): each field's id, name, errors and first value, the errors at the
 * top, focus on the first field in error, and revalidation on the server when a field in error is
 * left. It reads conform's reply exactly as conform's own client did (same ids, the same merge of
 * a partial reply), so the server side is unchanged; no validation runs here.
 */

type Value = string | string[] | undefined;

export interface FieldMeta {
  id: string;
  name: string;
  errorId: string;
  errors: string[] | undefined;
  /** The value the field starts with: the server's echo of what was sent, or the default. */
  initialValue: Value;
  /** The field's value now (follows the typing). */
  value: Value;
}

export interface FormMeta {
  id: string;
  errorId: string;
  errors: string[] | undefined;
  /** Every error of the form, by field name ("" for the form's own). */
  allErrors: Record<string, string[]>;
  onInput: (event: FormEvent<HTMLFormElement>) => void;
  onBlur: (event: FocusEvent<HTMLFormElement>) => void;
}

type Result = SubmissionResult<string[]> | null | undefined;

interface State {
  formId: string;
  /** The server's answer last read (a new one is merged once). */
  lastResult: Result;
  focusFirstError: boolean;
  initialValue: Record<string, Value>;
  value: Record<string, Value>;
  error: Record<string, string[]>;
  validated: Record<string, boolean>;
}

/** A value as conform's client held it: text, "on" for yes, a list; nothing for "", null or []. */
function serialize(value: unknown): Value {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "on" : undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const list = value.map((v) => serialize(v)).filter((v): v is string => typeof v === "string");
    return value.length === 0 ? undefined : list;
  }
  return undefined;
}

function serializeAll(values: Record<string, unknown> | null | undefined): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [name, value] of Object.entries(values ?? {})) out[name] = serialize(value);
  return out;
}

function errorsOf(error: Record<string, string[] | null> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(error ?? {})) if (messages) out[name] = messages;
  return out;
}

/**
 * Which fields count as checked after an answer, and so which errors stay (conform's handleIntent):
 * a submit checks every field it sent and every field in error; a check of one field, that field.
 */
function checkedAfter(reply: NonNullable<Result>, error: Record<string, string[]>, validated: Record<string, boolean>) {
  const fields = reply.fields ?? [];
  const intent = reply.intent;
  if (intent?.type === "validate" && typeof intent.payload.name === "string" && intent.payload.name !== "")
    validated[intent.payload.name] = true;
  else if (!intent || intent.type === "validate") for (const name of [...Object.keys(error), ...fields]) validated[name] = true;
  const checkedFields = fields.filter((name) => validated[name]);
  const kept: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(error)) {
    if (validated[name] || checkedFields.some((f) => name.startsWith(`${f}.`) || name.startsWith(`${f}[`))) kept[name] = messages;
  }
  return { error: kept, validated };
}

function initialState(formId: string, lastResult: Result, defaultValue: Record<string, unknown> | undefined): State {
  const initialValue = lastResult?.initialValue ? serializeAll(lastResult.initialValue) : serializeAll(defaultValue);
  const error = errorsOf(lastResult?.error);
  const validated = { ...lastResult?.state?.validated };
  return {
    formId,
    lastResult,
    focusFirstError: false,
    initialValue,
    value: initialValue,
    ...(lastResult ? checkedAfter(lastResult, error, validated) : { error, validated }),
  };
}

function formValues(form: HTMLFormElement): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [name, entry] of new FormData(form)) {
    if (typeof entry !== "string") continue;
    const before = out[name];
    out[name] = before === undefined ? entry : Array.isArray(before) ? [...before, entry] : [before, entry];
  }
  return out;
}

/** A layout effect runs before the page's own effects (the error summary then takes focus); none on the server. */
const useBrowserLayoutEffect = typeof document === "undefined" ? useEffect : useLayoutEffect;

/** conform's control names: the server's `parseWithZod` reads them. */
const INTENT = "__intent__";

export function useForm<Schema extends Record<string, unknown> = Record<string, unknown>>(options: {
  id: string;
  lastResult?: Result;
  defaultValue?: Partial<Record<keyof Schema, unknown>>;
  shouldRevalidate?: "onBlur";
}): [FormMeta, Record<keyof Schema & string, FieldMeta>] {
  const { id, lastResult, shouldRevalidate } = options;
  const [state, setState] = useState<State>(() => initialState(id, lastResult, options.defaultValue));
  // Set by the handlers, read by the handlers and the `value` getter: never part of what renders.
  const typing = useRef({ valueUpdated: false, readsValue: false });

  // A new answer from the server: merged as conform merged it (a field the reply leaves as null
  // keeps its error; one it leaves out has none); a submit that failed focuses its first field in
  // error. Kept in state, the answer last read, as React's "state from props" pattern does.
  if (state.formId !== id) {
    setState(initialState(id, undefined, options.defaultValue));
  } else if (lastResult && lastResult !== state.lastResult) {
    if (lastResult.initialValue === null) {
      setState({ ...initialState(id, undefined, options.defaultValue), lastResult });
    } else {
      const error: Record<string, string[]> = {};
      for (const [name, messages] of Object.entries(lastResult.error ?? {})) {
        const kept = messages === null ? state.error[name] : messages;
        if (kept) error[name] = kept;
      }
      setState({
        ...state,
        lastResult,
        value: lastResult.initialValue !== undefined ? serializeAll(lastResult.initialValue) : state.value,
        ...checkedAfter(lastResult, error, { ...state.validated, ...lastResult.state?.validated }),
        focusFirstError: lastResult.status === "error",
      });
    }
  }

  // Before any passive effect: the error summary takes focus in one, and the blur that causes must
  // not count the typing before this answer as new (it would ask the server again).
  useBrowserLayoutEffect(() => {
    typing.current.valueUpdated = false;
  }, [state.lastResult]);

  useBrowserLayoutEffect(() => {
    if (!state.focusFirstError) return;
    const form = document.getElementById(id);
    if (!(form instanceof HTMLFormElement)) return;
    for (const element of form.elements) {
      const name = (element as HTMLInputElement).name;
      if (name && state.error[name] && element instanceof HTMLElement) {
        element.focus();
        break;
      }
    }
  }, [id, state.focusFirstError, state.error, state.lastResult]);

  const form: FormMeta = {
    id,
    errorId: `${id}-error`,
    errors: state.error[""],
    allErrors: state.error,
    onInput: (event) => {
      typing.current.valueUpdated = true;
      if (typing.current.readsValue) setState((before) => ({ ...before, value: formValues(event.currentTarget) }));
    },
    onBlur: (event) => {
      const element: EventTarget = event.target;
      const formElement = event.currentTarget;
      const isField = element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement;
      if (shouldRevalidate !== "onBlur" || !isField || !element.name || element.form !== formElement) return;
      if (!state.validated[element.name] || !typing.current.valueUpdated) return;
      // Asks the server to check this field again, as conform's client did: a hidden submitter
      // outside the form (its removal must not move focus) carrying conform's validate intent.
      const submitter = document.createElement("button");
      submitter.name = INTENT;
      submitter.value = JSON.stringify({ type: "validate", payload: { name: element.name } });
      submitter.hidden = true;
      submitter.formNoValidate = true;
      submitter.setAttribute("form", id);
      document.body.appendChild(submitter);
      try {
        formElement.requestSubmit(submitter);
      } finally {
        submitter.remove();
      }
    },
  };

  const fields = new Proxy({} as Record<keyof Schema & string, FieldMeta>, {
    get(_, name) {
      if (typeof name !== "string") return undefined;
      const fieldId = `${id}-${name}`;
      return {
        id: fieldId,
        name,
        errorId: `${fieldId}-error`,
        errors: state.error[name],
        initialValue: state.initialValue[name],
        get value() {
          typing.current.readsValue = true;
          return state.value[name];
        },
      } satisfies FieldMeta;
    },
  });
  return [form, fields];
}

/** The form element's attributes: its id, no native validation bubbles, and its form-level error. */
export function getFormProps(form: FormMeta) {
  return {
    id: form.id,
    noValidate: true,
    onInput: form.onInput,
    onBlur: form.onBlur,
    "aria-describedby": form.errors ? form.errorId : undefined,
  };
}
