import type { SubmissionResult } from "@conform-to/react";
import { getFormProps, useForm } from "../lib/use-form";
import { Form } from "@remix-run/react";
import { pillarKeys, pillarNames } from "../lib/pillars";
import { CheckboxField, CheckboxGroup, ErrorSummary, TextAreaField, TextField } from "./fields";

export interface OrganizationDefaults {
  name: string;
  shortName: string;
  website: string;
  description: string;
  pillars: string[];
  votingMember: boolean;
}

export function OrganizationForm({
  lastResult,
  defaultValue,
  submitLabel,
}: {
  lastResult: SubmissionResult<string[]> | undefined;
  defaultValue: OrganizationDefaults;
  submitLabel: string;
}) {
  const [form, fields] = useForm({
    id: "organization",
    lastResult,
    defaultValue: { ...defaultValue, votingMember: defaultValue.votingMember ? "on" : undefined },
  });
  return (
    <>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        <input type="hidden" name="intent" value="save" />
        <TextField meta={fields.name} label="Name" required />
        <TextField meta={fields.shortName} label="Short name" hint="An abbreviation, like NDSS. Optional." />
        <TextField
          meta={fields.website}
          label="Website"
          type="url"
          hint="Optional. For example example.org: https:// is added when you leave it out."
        />
        <TextAreaField meta={fields.description} label="Description" hint="What the organization does, in a few sentences." />
        <CheckboxGroup
          meta={fields.pillars}
          legend="Primary pillars"
          options={pillarKeys.map((k) => ({ value: k, label: pillarNames[k] }))}
        />
        <CheckboxField
          meta={fields.votingMember}
          label="Voting member"
          hint="Voting members are on the roster of every consensus round. Supporting organizations may be non-voting."
        />
        <div className="actions">
          <button type="submit">{submitLabel}</button>
        </div>
      </Form>
    </>
  );
}
