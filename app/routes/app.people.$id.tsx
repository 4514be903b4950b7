import { getFormProps, useForm } from "../lib/use-form";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ErrorPage } from "../components/error-page";
import { ErrorSummary, SelectField } from "../components/fields";
import { dispatchIntent, intentForm } from "../lib/intents.server";
import { askFirst, isConfirmed } from "../lib/confirm";
import { ConfirmStep, confirmationOf } from "../components/confirm-step";
import { requirePermission } from "../lib/session.server";
import { issuePasswordReset } from "../models/auth.server";
import { listOrganizationsForConveners } from "../models/organizations.server";
import { changePerson, getPersonDetails, type PersonChange } from "../models/people.server";
import { notFound } from "../lib/not-found";
import { wordsFor } from "../lib/words-for";
import { makeRepresentativeSchema, personIntentSchema } from "../schemas/people.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, context, "person:manage");
  const person = await getPersonDetails(context, params.id ?? "");
  if (!person) throw notFound();
  const organizations = (await listOrganizationsForConveners(context))
    .filter((o) => o.status !== "left")
    .map((o) => ({ value: o.id, label: o.name }));
  return { person, organizations, isSelf: viewer.id === person.id };
}

const messages: Record<string, string> = {
  "grant-vote": "They can now vote for their organization.",
  "revoke-vote": "They can no longer vote for their organization.",
  deactivate: "The person was deactivated and signed out everywhere.",
  reactivate: "The person was reactivated. They can sign in again.",
  "make-convener": "The person is now a convener.",
  "make-representative": "The person is now a representative.",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requirePermission(request, context, "person:manage");
  const id = params.id ?? "";
  const change = async (intent: string, change: PersonChange) =>
    (await changePerson(context, actor.id, id, change)) && redirect(`/app/people/${id}?done=${intent}`);
  const formData = await request.formData();
  return dispatchIntent(formData, {
    "grant-vote": intentForm(personIntentSchema, () => change("grant-vote", { kind: "can-vote", canVote: true })),
    "revoke-vote": intentForm(personIntentSchema, () => change("revoke-vote", { kind: "can-vote", canVote: false })),
    deactivate: intentForm(personIntentSchema, async () => {
      if (!isConfirmed(formData)) {
        const person = await getPersonDetails(context, id);
        if (!person) return null;
        if (person.status === "active") {
          return askFirst(formData, {
            question: `Deactivate ${person.name}?`,
            consequence:
              "They are signed out everywhere at once and can no longer sign in; open editors close within seconds. Their name stays on what they wrote and on ballots they cast. A convener can reactivate them later.",
            yes: `Yes, deactivate ${person.name}`,
          });
        }
      }
      return change("deactivate", { kind: "deactivate" });
    }),
    reactivate: intentForm(personIntentSchema, () => change("reactivate", { kind: "reactivate" })),
    "make-convener": intentForm(personIntentSchema, () => change("make-convener", { kind: "make-convener" })),
    "make-representative": intentForm(makeRepresentativeSchema, (value) =>
      change("make-representative", { kind: "make-representative", organizationId: value.organizationId }),
    ),
    "reset-link": intentForm(personIntentSchema, async () => {
      const link = await issuePasswordReset(context, id, actor);
      return link ? data({ resetLink: link }) : null;
    }),
  });
}

function ActionButton({ intent, label, describedBy }: { intent: string; label: string; describedBy?: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" className="secondary" aria-describedby={describedBy}>
        {label}
      </button>
    </Form>
  );
}

export default function PersonPage() {
  const { person, organizations, isSelf } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const resetLink = lastResult && "resetLink" in lastResult ? lastResult.resetLink : null;
  const formResult = lastResult && "status" in lastResult ? lastResult : undefined;
  const [form, fields] = useForm<{ organizationId: string }>({ id: "person", lastResult: formResult });
  return (
    <>
      <p>
        <Link to="/app/people">← People</Link>
      </p>
      <h1>{person.name}</h1>
      {confirmationOf(lastResult) ? <ConfirmStep confirmation={confirmationOf(lastResult)!} back={`/app/people/${person.id}`} /> : null}
      {wordsFor(messages, done) ? (
        <p className="notice success" role="status">
          {wordsFor(messages, done)}
        </p>
      ) : null}
      {resetLink ? (
        <div className="notice success" role="status">
          <p>A password-reset link was mailed to {person.email}. It works once, for 2 hours. You can also give it to them:</p>
          <p className="copyable">{resetLink}</p>
        </div>
      ) : null}
      <ErrorSummary form={form} />
      <dl className="facts">
        <dt>Email</dt>
        <dd>{person.email}</dd>
        <dt>Role</dt>
        <dd>{person.role === "convener" ? "Convener" : "Representative"}</dd>
        <dt>Organization</dt>
        <dd>{person.organizationName ?? "None"}</dd>
        {person.role === "representative" ? (
          <>
            <dt>Can vote for the organization</dt>
            <dd>{person.canVote ? "Yes" : "No"}</dd>
          </>
        ) : null}
        <dt>Status</dt>
        <dd>{person.status === "active" ? "Active" : "Deactivated"}</dd>
      </dl>

      <h2>Change</h2>
      <div className="actions">
        {person.role === "representative" && person.status === "active" ? (
          <ActionButton
            intent={person.canVote ? "revoke-vote" : "grant-vote"}
            label={person.canVote ? "Stop them voting for the organization" : "Let them vote for the organization"}
          />
        ) : null}
        {person.status === "active" ? <ActionButton intent="reset-link" label="Send a password-reset link" /> : null}
        {!isSelf && person.status === "active" ? (
          <ActionButton intent="deactivate" label="Deactivate" describedBy="deactivate-hint" />
        ) : null}
        {person.status === "deactivated" ? <ActionButton intent="reactivate" label="Reactivate" /> : null}
        {person.role === "representative" && person.status === "active" ? (
          <ActionButton intent="make-convener" label="Make convener" />
        ) : null}
      </div>
      {!isSelf && person.status === "active" ? (
        <p className="hint" id="deactivate-hint">
          Deactivating signs them out everywhere at once; their name stays on what they wrote and on ballots they cast.
        </p>
      ) : null}
      {person.role === "convener" && !isSelf ? (
        <>
          <h3 id="demote-heading">Make representative</h3>
          <Form method="post" className="stack" {...getFormProps(form)} noValidate aria-labelledby="demote-heading">
            <input type="hidden" name="intent" value="make-representative" />
            <SelectField meta={fields.organizationId} label="Organization" placeholder="Choose an organization" options={organizations} />
            <div className="actions">
              <button type="submit" className="secondary">
                Make representative
              </button>
            </div>
          </Form>
        </>
      ) : null}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.person.name ?? "Person"} · CARE Table` }];

export function ErrorBoundary() {
  return <ErrorPage />;
}
