import { getFormProps, useForm, type FormMeta } from "../../lib/use-form";
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { z } from "zod";
import { BallotOptions } from "../../components/ballot-options";
import { CheckboxField, ErrorSummary, SelectField, TextAreaField, TextField } from "../../components/fields";
import type {
  cancelSchema,
  closeSchema,
  extendSchema,
  recordBallotSchema,
  responseSchema,
  statementSchema,
} from "../../schemas/round.server";
import type { FormResult, RoundPageData } from "./route";

/** After the close, the convener's next step, first on the page. */
export function NextStep({ page }: { page: RoundPageData }) {
  if (page.status === "open") return null;
  return (
    <p className="next-step">
      {page.outcome === "adopted" ? (
        <Link className="button" to={`/app/rounds/${page.id}/publish`}>
          Publish this text as a position
        </Link>
      ) : (
        <Link className="button secondary" to={`/app/proposals/${page.proposalId}`}>
          Back to the draft
        </Link>
      )}
    </p>
  );
}

/**
 * One tool of the convener's: a heading, the form's errors, its fields and its button. Every
 * tool is a real form with its `intent`; the irreversible ones ask first (the action answers
 * with the confirmation).
 */
function Tool({
  form,
  intent,
  heading,
  button,
  kind = "secondary",
  children,
  hidden,
}: {
  form: FormMeta;
  intent: string;
  heading: string;
  button: ReactNode;
  kind?: "primary" | "secondary" | "danger";
  children?: ReactNode;
  hidden?: Record<string, string>;
}) {
  const headingId = `${form.id}-heading`;
  return (
    <div className="tool">
      <h3 id={headingId}>{heading}</h3>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate aria-labelledby={headingId}>
        <input type="hidden" name="intent" value={intent} />
        {Object.entries(hidden ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {children}
        <div className="actions">
          <button type="submit" className={kind === "primary" ? undefined : kind}>
            {button}
          </button>
        </div>
      </Form>
    </div>
  );
}

/** Close now, record a ballot, extend, cancel, the CSV; after the close, the statement and responses. */
export function ConvenerTools({ page, lastResult, intent }: { page: RoundPageData; lastResult: FormResult; intent: unknown }) {
  const pick = (name: string) => (intent === name ? lastResult : undefined);
  const [closeForm] = useForm<z.input<typeof closeSchema>>({ id: "close", lastResult: pick("close") });
  const [recordForm, recordFields] = useForm<z.input<typeof recordBallotSchema>>({ id: "record", lastResult: pick("record") });
  const [extendForm, extendFields] = useForm<z.input<typeof extendSchema>>({
    id: "extend",
    lastResult: pick("extend"),
    defaultValue: { deadline: page.deadlineLocal },
  });
  const [cancelForm, cancelFields] = useForm<z.input<typeof cancelSchema>>({ id: "cancel", lastResult: pick("cancel") });
  const [statementForm, statementFields] = useForm<z.input<typeof statementSchema>>({
    id: "statement",
    lastResult: pick("statement"),
    defaultValue: { statement: page.outcomeStatement ?? "" },
  });
  const objections = page.roster.filter((r) => r.ballot && (r.ballot.option === "object" || r.ballot.option === "block"));
  return (
    <section aria-labelledby="convener" className="convener-tools">
      <h2 id="convener">Convener tools</h2>
      <p>
        <a href={`/app/rounds/${page.id}/results.csv`} download>
          Export the results as CSV
        </a>
      </p>
      {page.status === "open" ? (
        <>
          <Tool form={closeForm} intent="close" heading="Close the round now" button="Close round">
            <p>Closing computes the outcome from the ballots committed so far. Later ballots are refused. You are asked first.</p>
          </Tool>
          <Tool form={recordForm} intent="record" heading="Record a ballot sent by mail or phone" button="Record ballot">
            <SelectField
              meta={recordFields.organizationId}
              label="Organization"
              placeholder="Choose an organization"
              options={page.roster.filter((r) => !r.suspended).map((r) => ({ value: r.organizationId, label: r.name }))}
            />
            <BallotOptions meta={recordFields.option} legend="Their answer" />
            <TextAreaField
              meta={recordFields.reason}
              label="Their reason"
              hint="Required with Endorse with reservations, Object and Block."
            />
            <CheckboxField
              meta={recordFields.listPublicly}
              label="They may be listed publicly as an endorser"
              hint="Applies only to Endorse and Endorse with reservations."
            />
            <TextAreaField
              meta={recordFields.note}
              label="Note"
              hint="How the ballot reached you (mail, phone, who) — required."
              rows={3}
            />
          </Tool>
          <Tool form={extendForm} intent="extend" heading="Extend the deadline" button="Extend deadline">
            <TextField meta={extendFields.deadline} label="New deadline" type="datetime-local" hint={`In your time zone, ${page.zone}.`} />
          </Tool>
          <Tool form={cancelForm} intent="cancel" heading="Cancel the round" button="Cancel round" kind="danger">
            <TextAreaField meta={cancelFields.cancelReason} label="Reason for cancelling" rows={3} />
          </Tool>
        </>
      ) : null}
      {page.status === "closed" ? (
        <>
          <Tool form={statementForm} intent="statement" heading="Outcome statement" button="Save outcome statement" kind="primary">
            <TextAreaField
              meta={statementFields.statement}
              label="Outcome statement"
              hint="What the coalition decided, in a few sentences."
            />
          </Tool>
          {objections.map((r) => (
            <ResponseTool
              key={r.organizationId}
              organizationId={r.organizationId}
              name={r.name}
              current={r.ballot?.response ?? ""}
              lastResult={intent === "response" && lastResult?.initialValue?.organizationId === r.organizationId ? lastResult : undefined}
            />
          ))}
        </>
      ) : null}
    </section>
  );
}

function ResponseTool({
  organizationId,
  name,
  current,
  lastResult,
}: {
  organizationId: string;
  name: string;
  current: string;
  lastResult: FormResult;
}) {
  const [form, fields] = useForm<z.input<typeof responseSchema>>({
    id: `response-${organizationId}`,
    lastResult,
    defaultValue: { response: current },
  });
  return (
    <Tool
      form={form}
      intent="response"
      heading={`Response to ${name}`}
      hidden={{ organizationId }}
      button={
        <>
          Save response<span className="visually-hidden"> to {name}</span>
        </>
      }
    >
      <TextAreaField meta={fields.response} label={`Response to ${name}`} rows={3} />
    </Tool>
  );
}
