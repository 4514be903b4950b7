import type { SubmissionResult } from "@conform-to/react";
import { getFormProps, useForm } from "../lib/use-form";
import { Form } from "@remix-run/react";
import type { z } from "zod";
import {
  mailKindChoices,
  mailKindWords,
  mailModeChoices,
  mailModeWords,
  type MailKindChoice,
  type MailModeChoice,
} from "../lib/mail-kinds";
import type { mailPreferencesSchema } from "../schemas/mail-preferences.server";
import { ErrorSummary, RadioGroup } from "./fields";

const modes = mailModeChoices.map((m) => ({ value: m, label: mailModeWords[m] }));

/** The profile's mail choices: per kind, as it happens, in a daily digest, or off. */
export function MailPreferencesForm({
  current,
  lastResult,
}: {
  current: Record<MailKindChoice, MailModeChoice>;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm<z.input<typeof mailPreferencesSchema>>({ id: "mail", lastResult, defaultValue: current });
  return (
    <section aria-labelledby="mail-heading">
      <h2 id="mail-heading">Mail</h2>
      <p>
        Choose, for each kind of mail, whether it comes as it happens, gathered into one mail a day (in the morning, in your time zone), or
        not at all. Ballot receipts, invitations and security mail (password resets) always come at once.
      </p>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        <input type="hidden" name="intent" value="mail" />
        {mailKindChoices.map((kind) => (
          <RadioGroup key={kind} meta={fields[kind]} legend={mailKindWords[kind]} options={modes} />
        ))}
        <div className="actions">
          <button type="submit">Save mail choices</button>
        </div>
      </Form>
    </section>
  );
}
