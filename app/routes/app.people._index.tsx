import { getFormProps, useForm } from "../lib/use-form";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { z } from "zod";
import { CheckboxField, ErrorSummary, SelectField, TextField } from "../components/fields";
import { dispatchIntent, intentForm } from "../lib/intents.server";
import { requirePermission } from "../lib/session.server";
import { formatInstant } from "../lib/time";
import { readerTimeZone } from "../models/time-zone.server";
import { listOrganizationsForConveners } from "../models/organizations.server";
import { cancelInvitation, inviteRepresentative, listPeopleAndInvitations } from "../models/people.server";
import { TableScroll } from "../components/table-scroll";
import { cancelInvitationSchema, inviteSchema } from "../schemas/people.server";
import { Pager } from "../components/pager";
import { numberedPageLinks, readPageNumber } from "../lib/paging";

/** People on one page of the list. */
const PAGE_SIZE = 100;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "person:manage");
  const zone = await readerTimeZone(context, person);
  const page = readPageNumber(new URL(request.url).searchParams);
  // One more than a page: whether there is a next page, without counting them all.
  const [{ people, invitations }, organizations] = await Promise.all([
    listPeopleAndInvitations(context, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }),
    listOrganizationsForConveners(context),
  ]);
  return {
    people: people.slice(0, PAGE_SIZE),
    page,
    first: (page - 1) * PAGE_SIZE + 1,
    hasNext: people.length > PAGE_SIZE,
    invitations: invitations.map((i) => ({ ...i, expires: formatInstant(i.expiresAt, zone) })),
    organizations: organizations.filter((o) => o.status !== "left").map((o) => ({ value: o.id, label: o.name })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "person:manage");
  return dispatchIntent(await request.formData(), {
    invite: intentForm(inviteSchema, async (value) =>
      data({ invited: { email: value.email, link: await inviteRepresentative(context, person, value) } }),
    ),
    cancel: intentForm(cancelInvitationSchema, async (value) => {
      await cancelInvitation(context, person.id, value.invitationId);
      return data({ cancelled: true as const });
    }),
  });
}

export default function People() {
  const { people, page, first, hasNext, invitations, organizations } = useLoaderData<typeof loader>();
  const pages = numberedPageLinks("/app/people", {}, page, hasNext);
  const lastResult = useActionData<typeof action>();
  const invited = lastResult && "invited" in lastResult ? lastResult.invited : null;
  const formResult = lastResult && "status" in lastResult ? lastResult : undefined;
  const [form, fields] = useForm<z.input<typeof inviteSchema>>({ id: "invite", lastResult: formResult });
  return (
    <>
      <h1>People</h1>

      <h2 id="invite-heading">Invite a representative</h2>
      {invited ? (
        <div className="notice success" role="status">
          <p>
            An invitation was sent to <strong>{invited.email}</strong>. It is valid for 7 days. You can also give them this link yourself:
          </p>
          <p className="copyable">{invited.link}</p>
        </div>
      ) : null}
      {lastResult && "cancelled" in lastResult ? (
        <p className="notice success" role="status">
          The invitation was withdrawn: its link no longer works.
        </p>
      ) : null}
      {organizations.length === 0 ? (
        <p className="empty">
          Add an organization first: <Link to="/app/organizations/new">add organization</Link>.
        </p>
      ) : (
        <>
          <ErrorSummary form={form} />
          <Form
            method="post"
            className="stack"
            {...getFormProps(form)}
            key={invited?.link ?? "invite"}
            noValidate
            aria-labelledby="invite-heading"
          >
            <input type="hidden" name="intent" value="invite" />
            <TextField meta={fields.email} label="Email" type="email" required />
            <TextField meta={fields.name} label="Name" hint="Optional: filled in for them on the invitation page." />
            <SelectField meta={fields.organizationId} label="Organization" placeholder="Choose an organization" options={organizations} />
            <CheckboxField
              meta={fields.canVote}
              label="Can vote for the organization"
              hint="Voters cast the organization's one ballot in consensus rounds. An organization may have several (a voter and alternates)."
            />
            <div className="actions">
              <button type="submit">Send invitation</button>
            </div>
          </Form>
        </>
      )}

      <h2>Pending invitations</h2>
      {invitations.length === 0 ? (
        <p className="empty">No invitation is waiting to be accepted.</p>
      ) : (
        <TableScroll label="Pending invitations">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Organization</th>
                <th scope="col">Can vote</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invitations.map((i) => (
                <tr key={i.id}>
                  <td data-label="Email">{i.email}</td>
                  <td data-label="Organization">{i.organizationName}</td>
                  <td data-label="Can vote">{i.canVote ? "Yes" : "No"}</td>
                  <td data-label="Expires">{i.expires}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="cancel" />
                      <input type="hidden" name="invitationId" value={i.id} />
                      <button type="submit" className="secondary" aria-label={`Withdraw the invitation to ${i.email}`}>
                        Withdraw
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      <h2 id="everyone">Everyone</h2>
      {pages.previous || pages.next ? (
        <p>
          {people.length > 0
            ? `People ${first}–${first + people.length - 1}, by organization and name (page ${page}).`
            : "No more people: this page is past the last one."}
        </p>
      ) : null}
      <TableScroll label="Everyone">
        <table className="stack-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Organization</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <Link to={`/app/people/${p.id}`}>{p.name}</Link>
                </th>
                <td data-label="Email">{p.email}</td>
                <td data-label="Organization">{p.organizationName ?? "—"}</td>
                <td data-label="Role">{p.role === "convener" ? "Convener" : p.canVote ? "Representative, voter" : "Representative"}</td>
                <td data-label="Status">{p.status === "active" ? "Active" : "Deactivated"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager label="Pages of people" {...pages} where={`Page ${page}`} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "People · CARE Table" }];
