import { getFormProps, useForm } from "../../lib/use-form";
import { Form } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { BallotOptions } from "../../components/ballot-options";
import { CheckboxField, ErrorSummary, TextAreaField } from "../../components/fields";
import { ballotOptionLabels, ballotOptions, reasonLabels, supportOptions, type BallotOption } from "../../lib/round-outcome";
import { useHydrated } from "../../lib/use-hydrated";
import type { ballotSchema } from "../../schemas/round.server";
import type { FormResult, RoundPageData } from "./route";

const reasonHint =
  "Required with Endorse with reservations (your reservations), Object (what would need to change) and Block (why this would harm the people you represent).";

function asOption(value: unknown): BallotOption | null {
  return typeof value === "string" && (ballotOptions as readonly string[]).includes(value) ? (value as BallotOption) : null;
}

/**
 * The organization's ballot. Without JavaScript every field shows, with hints saying when each
 * applies; with it, the reason's label follows the chosen answer and the public-listing box
 * shows only with the two Endorse answers (the server ignores it with the others).
 */
export function BallotForm({ page, lastResult }: { page: RoundPageData; lastResult: FormResult }) {
  const mine = page.myOrganization!;
  const [form, fields] = useForm<z.input<typeof ballotSchema>>({
    id: "ballot",
    lastResult,
    defaultValue: {
      option: mine.ballot?.option,
      reason: mine.ballot?.reason ?? "",
      passage: mine.ballot?.passage ?? "",
      // Never ticked until the organization ticks it.
      listPublicly: mine.ballot?.listPublicly ? "on" : undefined,
    },
  });
  const hydrated = useHydrated();
  const [option, setOption] = useState<BallotOption | null>(asOption(fields.option.initialValue));
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const target = event.target as HTMLInputElement;
    if (target.name === fields.option.name) setOption(asOption(target.value));
  };
  const chosen = hydrated ? option : null;
  return (
    <section aria-labelledby="my-ballot">
      <h2 id="my-ballot" tabIndex={-1}>
        The ballot of {mine.name}
      </h2>
      {mine.ballot ? (
        <p>
          Current answer: <strong>{ballotOptionLabels[mine.ballot.option as BallotOption]}</strong>, cast by {mine.ballot.castBy}
          {mine.ballot.recordedByConvener ? " (recorded by a convener)" : ""} on {mine.ballot.castAt}
          {mine.ballot.changes > 0 ? `, changed ${mine.ballot.changes} time${mine.ballot.changes === 1 ? "" : "s"}` : ""}.
        </p>
      ) : (
        <p>Your organization has not answered yet.</p>
      )}
      {mine.canCast ? (
        <>
          <ErrorSummary form={form} />
          <Form method="post" className="stack" {...getFormProps(form)} noValidate onChange={onChange}>
            <input type="hidden" name="intent" value="cast" />
            <BallotOptions meta={fields.option} legend="Your organization's answer" />
            <TextAreaField meta={fields.reason} label={chosen ? reasonLabels[chosen] : "Reason"} hint={chosen ? undefined : reasonHint} />
            {!hydrated || chosen === "object" || chosen === "block" ? (
              <TextAreaField
                meta={fields.passage}
                label="Passage this is about (optional)"
                hint={
                  hydrated
                    ? "Copy the words of the text under vote that your organization objects to; the passage is shown with your ballot."
                    : "Applies only to Object and Block: copy the words of the text under vote that your organization objects to."
                }
              />
            ) : null}
            {!hydrated || (chosen && supportOptions.has(chosen)) ? (
              <CheckboxField
                meta={fields.listPublicly}
                label="List our organization publicly as an endorser"
                hint={
                  hydrated
                    ? "The organization's name appears on the published position."
                    : "Applies only to Endorse and Endorse with reservations: the organization's name appears on the published position."
                }
              />
            ) : null}
            <div className="actions">
              <button type="submit">Cast ballot</button>
            </div>
            <p className="hint">
              You can change the ballot until the round closes. Every voter of your organization gets a receipt by mail.
            </p>
          </Form>
        </>
      ) : page.status === "open" ? (
        <p>
          {!page.roster.find((r) => r.organizationId === mine.id)?.suspended
            ? "Only people who can vote for your organization cast its ballot. Ask a convener if you should."
            : "Your organization is suspended: its ballot can no longer be cast or changed."}
        </p>
      ) : null}
    </section>
  );
}
