import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import { replyInvalid, replyWithError } from "./forms.server";
import { notFound } from "./not-found";

/**
 * One form of a page that has several: its schema, and what it does with the parsed value. `run`
 * answers `null` for "not found or not yours", which becomes the one 404; a UserFacingError it
 * throws becomes the form's answer beside its field.
 */
export interface IntentForm<Schema extends z.ZodType, Result> {
  schema: Schema;
  run: (value: z.output<Schema>) => Promise<Result | null>;
  /** Fields whose typed values are not sent back (passwords). */
  hideFields?: string[];
}

/** Declares one form for `dispatchIntent` (the helper only ties the schema's type to `run`'s). */
export function intentForm<Schema extends z.ZodType, Result>(
  schema: Schema,
  run: (value: z.output<Schema>) => Promise<Result | null>,
  hideFields?: string[],
): IntentForm<Schema, Result> {
  return { schema, run, hideFields };
}

/** A refusal for a post that names no form of this page: status 400, nothing changed. */
export function unknownIntent(): Response {
  return new Response("This form is not known here. Go back to the page and send it again.", { status: 400 });
}

// The forms' schema and result types differ per intent; `any` lets one map hold them all, and
// dispatchIntent's return type recovers each form's own result.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyIntentForm = IntentForm<any, any>;
type ResultOf<F> = F extends IntentForm<z.ZodType, infer R> ? R : never;

/**
 * The one way an action with several forms is dispatched: the posted `intent` picks the form, a
 * missing or unknown intent is refused with 400, the form's schema parses the post (400 with the
 * field messages), `run` changes things; "not found" is the one 404, a user-facing refusal is the
 * form's answer. Anything else is a real error and propagates.
 */
export async function dispatchIntent<Forms extends Record<string, AnyIntentForm>>(formData: FormData, forms: Forms) {
  const intent = formData.getAll("intent");
  const name = intent.length === 1 && typeof intent[0] === "string" ? intent[0] : "";
  if (!Object.hasOwn(forms, name)) throw unknownIntent();
  const form = forms[name]!;
  const submission = parseWithZod(formData, { schema: form.schema });
  if (submission.status !== "success") return replyInvalid(submission, form.hideFields);
  try {
    const result = (await form.run(submission.value)) as ResultOf<Forms[keyof Forms]> | null;
    if (result === null) throw notFound();
    return result;
  } catch (error) {
    if (error instanceof Response) throw error;
    return replyWithError(submission, error, form.hideFields);
  }
}
