import type { SubmissionResult } from "@conform-to/react";
import { getFormProps, useForm } from "../lib/use-form";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { z } from "zod";
import { ErrorPage } from "../components/error-page";
import { CheckboxField, ErrorSummary, TextAreaField, TextField } from "../components/fields";
import { dispatchIntent, intentForm } from "../lib/intents.server";
import { inquiryStatusWords, nextInquiryStatuses, organizationKindWords } from "../lib/inquiries";
import { requirePermission } from "../lib/session.server";
import { formatInstant } from "../lib/time";
import { readerTimeZone } from "../models/time-zone.server";
import { acceptInquiry, changeInquiryStatus, getInquiryDetails, saveInquiryNote } from "../models/inquiries.server";
import { notFound } from "../lib/not-found";
import { wordsFor } from "../lib/words-for";
import { acceptInquirySchema, inquiryNoteSchema, inquiryStatusSchema } from "../schemas/inquiry.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "inquiry:manage");
  const inquiry = await getInquiryDetails(context, params.id ?? "");
  if (!inquiry) throw notFound();
  const zone = await readerTimeZone(context, person);
  return {
    inquiry: {
      id: inquiry.id,
      name: inquiry.name,
      email: inquiry.email,
      organizationName: inquiry.organizationName,
      organizationKind: inquiry.organizationKind,
      message: inquiry.message,
      status: inquiry.status,
      note: inquiry.note,
      organizationId: inquiry.organizationId,
      handledByName: inquiry.handledByName,
      received: formatInstant(inquiry.createdAt, zone),
      closed: inquiry.closedAt ? formatInstant(inquiry.closedAt, zone) : null,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "inquiry:manage");
  const id = params.id ?? "";
  return dispatchIntent(await request.formData(), {
    note: intentForm(
      inquiryNoteSchema,
      async (value) => (await saveInquiryNote(context, person, id, value.note)) && redirect(`/app/inquiries/${id}?saved=note`),
    ),
    accept: intentForm(acceptInquirySchema, async (value) => {
      const outcome = await acceptInquiry(context, person, id, value);
      if (!outcome) return null;
      if (outcome.state === "already-accepted") return redirect(`/app/inquiries/${id}?saved=already-accepted`);
      return data({ accepted: { email: outcome.email, link: outcome.invitationLink } });
    }),
    status: intentForm(
      inquiryStatusSchema,
      async (value) =>
        (await changeInquiryStatus(context, person, id, value.status)) && redirect(`/app/inquiries/${id}?saved=${value.status}`),
    ),
  });
}

type Result = SubmissionResult<string[]>;

/** The result of the form whose `intent` it was, for that form only. */
function resultFor(result: unknown, intent: string): Result | undefined {
  if (!result || typeof result !== "object" || !("status" in result)) return undefined;
  const r = result as Result;
  return (r.initialValue as { intent?: unknown } | null | undefined)?.intent === intent ? r : undefined;
}

const savedWords: Record<string, string> = {
  note: "The note was saved.",
  contacted: "The inquiry is marked as contacted.",
  declined: "The inquiry is declined. It will be deleted at the end of the retention period.",
  "already-accepted": "This inquiry had already been accepted: nothing more was changed.",
};

export default function InquiryDetails() {
  const { inquiry } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const accepted = actionData && "accepted" in actionData ? actionData.accepted : null;
  const statusErrors = resultFor(actionData, "status")?.error?.[""] ?? null;
  const saved = params.get("saved");
  const next = nextInquiryStatuses[inquiry.status];
  return (
    <>
      <p>
        <Link to="/app/inquiries">← Inquiries</Link>
      </p>
      <h1>Inquiry from {inquiry.organizationName}</h1>
      {wordsFor(savedWords, saved) ? (
        <p className="notice success" role="status">
          {wordsFor(savedWords, saved)}
        </p>
      ) : null}
      {accepted ? (
        <div className="notice success" role="status">
          <p>
            The inquiry is accepted: the organization was added and an invitation was sent to <strong>{accepted.email}</strong>. It is valid
            for 7 days. You can also give them this link yourself:
          </p>
          <p className="copyable">{accepted.link}</p>
        </div>
      ) : null}
      {statusErrors ? (
        <p className="notice error" role="alert">
          {statusErrors.join(" ")}
        </p>
      ) : null}

      <dl className="facts">
        <dt>Status</dt>
        <dd>
          {inquiryStatusWords[inquiry.status]}
          {inquiry.handledByName ? `, by ${inquiry.handledByName}` : ""}
          {inquiry.closed ? ` (closed ${inquiry.closed})` : ""}
        </dd>
        <dt>Received</dt>
        <dd>{inquiry.received}</dd>
        <dt>From</dt>
        <dd>
          {inquiry.name}, <a href={`mailto:${inquiry.email}`}>{inquiry.email}</a>
        </dd>
        <dt>Organization</dt>
        <dd>
          {inquiry.organizationId ? (
            <Link to={`/app/organizations/${inquiry.organizationId}`}>{inquiry.organizationName}</Link>
          ) : (
            inquiry.organizationName
          )}
        </dd>
        <dt>Kind</dt>
        <dd>{organizationKindWords[inquiry.organizationKind]}</dd>
      </dl>

      <h2>Message</h2>
      <div className="message-text">{inquiry.message}</div>

      {next.includes("contacted") || next.includes("declined") ? (
        <>
          <h2>Answer</h2>
          <div className="actions">
            {next.includes("contacted") ? <StatusButton status="contacted" label="Mark as contacted" /> : null}
            {next.includes("declined") ? <StatusButton status="declined" label="Decline" secondary /> : null}
          </div>
        </>
      ) : null}

      {next.includes("accepted") ? <AcceptForm inquiry={inquiry} lastResult={resultFor(actionData, "accept")} /> : null}

      <NoteForm note={inquiry.note} lastResult={resultFor(actionData, "note")} />
    </>
  );
}

function StatusButton({ status, label, secondary }: { status: "contacted" | "declined"; label: string; secondary?: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="status" />
      <input type="hidden" name="status" value={status} />
      <button type="submit" className={secondary ? "secondary" : undefined}>
        {label}
      </button>
    </Form>
  );
}

function AcceptForm({ inquiry, lastResult }: { inquiry: { organizationName: string; organizationKind: string }; lastResult?: Result }) {
  const [form, fields] = useForm<z.input<typeof acceptInquirySchema>>({
    id: "accept",
    lastResult,
    defaultValue: {
      organizationName: inquiry.organizationName,
      votingMember: inquiry.organizationKind === "supporting" ? undefined : "on",
      canVote: "on",
    },
  });
  return (
    <>
      <h2 id="accept-heading">Accept</h2>
      <p>
        Accepting adds the organization to the coalition and invites the person who wrote as its representative. You can complete the
        organization&apos;s details afterwards.
      </p>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate aria-labelledby="accept-heading">
        <input type="hidden" name="intent" value="accept" />
        <TextField meta={fields.organizationName} label="Organization name" required />
        <CheckboxField
          meta={fields.votingMember}
          label="Voting member"
          hint="Voting members are on the roster of every consensus round. Supporting organizations may be non-voting."
        />
        <CheckboxField
          meta={fields.canVote}
          label="Can vote for the organization"
          hint="Whether the person who wrote casts the organization's ballot."
        />
        <div className="actions">
          <button type="submit">Accept and invite</button>
        </div>
      </Form>
    </>
  );
}

function NoteForm({ note, lastResult }: { note: string; lastResult?: Result }) {
  const [form, fields] = useForm<z.input<typeof inquiryNoteSchema>>({ id: "note", lastResult, defaultValue: { note } });
  return (
    <>
      <h2 id="note-heading">Private note</h2>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate aria-labelledby="note-heading">
        <input type="hidden" name="intent" value="note" />
        <TextAreaField
          meta={fields.note}
          label="Note"
          hint="Seen only by conveners, and deleted with the inquiry. Do not write anything here you would not want the person to read."
        />
        <div className="actions">
          <button type="submit" className="secondary">
            Save note
          </button>
        </div>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Inquiry from ${data?.inquiry.organizationName ?? "an organization"} · CARE Table` },
];

export function ErrorBoundary() {
  return <ErrorPage />;
}
