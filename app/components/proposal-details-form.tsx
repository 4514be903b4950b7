import type { SubmissionResult } from "@conform-to/react";
import { getFormProps, useForm } from "../lib/use-form";
import { Form } from "@remix-run/react";
import { pillarKeys, pillarNames } from "../lib/pillars";
import { CheckboxGroup, ErrorSummary, SelectField, TextAreaField, TextField } from "./fields";

/** The form's fields as the browser sends them (proposalDetailsSchema checks them). */
type Input = { title: string; summary: string; pillars: string[]; leadOrganizationId: string; sponsorIds: string[] };

/** Title, summary, pillars, lead organization and co-sponsors: creating and editing a proposal. */
export function ProposalDetailsForm({
  id,
  lastResult,
  defaultValue,
  organizations,
  leadChoice,
  leadName,
  submitLabel,
  intent,
}: {
  id: string;
  lastResult: SubmissionResult<string[]> | undefined;
  defaultValue: Input;
  organizations: { value: string; label: string }[];
  /** Conveners choose the lead organization; everyone else sees it. */
  leadChoice: boolean;
  leadName: string | null;
  submitLabel: string;
  intent?: string;
}) {
  const [form, fields] = useForm<Input>({ id, lastResult, defaultValue, shouldRevalidate: "onBlur" });
  // The lead organization is never offered as its own co-sponsor (it follows the convener's choice).
  const lead = (leadChoice ? fields.leadOrganizationId.value : undefined) ?? defaultValue.leadOrganizationId;
  const sponsorOptions = organizations.filter((o) => o.value !== lead);
  return (
    <>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        {intent ? <input type="hidden" name="intent" value={intent} /> : null}
        <TextField meta={fields.title} label="Title" required />
        <TextAreaField meta={fields.summary} label="Summary" rows={4} hint="A few sentences: what the proposal asks for, and why." />
        <CheckboxGroup
          meta={fields.pillars}
          legend="Pillars"
          hint="Choose at least one."
          options={pillarKeys.map((p) => ({ value: p, label: pillarNames[p] }))}
        />
        {leadChoice ? (
          <SelectField
            meta={fields.leadOrganizationId}
            label="Lead organization"
            placeholder="Choose an organization"
            options={organizations}
          />
        ) : (
          <p>
            <strong>Lead organization:</strong> {leadName ?? "your organization"}
          </p>
        )}
        <CheckboxGroup
          meta={fields.sponsorIds}
          legend="Co-sponsoring organizations"
          hint="Optional. The lead organization is not listed again."
          options={sponsorOptions}
        />
        <div className="actions">
          <button type="submit">{submitLabel}</button>
        </div>
      </Form>
    </>
  );
}
