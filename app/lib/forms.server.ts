import type { Submission } from "@conform-to/react";
import { data } from "@remix-run/node";
import { UserFacingError } from "../models/auth.server";

/**
 * Turns a refusal into the form's answer: the message beside its field (or above the form), the
 * typed values kept (never passwords), and the status that fits (400, 409, 410, 429).
 */
export function replyWithError<T, Extra extends Record<string, unknown> = Record<never, never>>(
  submission: Submission<T>,
  error: unknown,
  hideFields: string[] = [],
  extra?: Extra,
) {
  if (!(error instanceof UserFacingError)) throw error;
  const reply = submission.reply({
    hideFields,
    ...(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }),
  });
  return data({ ...reply, ...(extra as Extra) }, { status: error.status });
}

/**
 * The answer to a submission that failed its schema: status 400, typed values kept; `extra` is
 * what else the page shows of what was sent (the reading grade of a summary).
 */
export function replyInvalid<T, Extra extends Record<string, unknown> = Record<never, never>>(
  submission: Submission<T>,
  hideFields: string[] = [],
  extra?: Extra,
) {
  return data({ ...submission.reply({ hideFields }), ...(extra as Extra) }, { status: 400 });
}
