import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { ErrorPage } from "../components/error-page";
import { OrganizationForm } from "../components/organization-form";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { requirePermission } from "../lib/session.server";
import {
  changeOrganizationStatus,
  editOrganization,
  getOrganizationWithPeople,
} from "../models/organizations.server";
import { organizationSchema, toOrganizationFields } from "../schemas/organization";

const statusSchema = z.object({
  intent: z.literal("status"),
  status: z.enum(["active", "suspended", "left"], { error: "Choose a status from the list." }),
});

const notFound = () => new Response("Not found", { status: 404 });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "organization:manage");
  const found = await getOrganizationWithPeople(context, params.id ?? "");
  if (!found) throw notFound();
  return found;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "organization:manage");
  const id = params.id ?? "";
  const formData = await request.formData();
  if (formData.get("intent") === "status") {
    const submission = parseWithZod(formData, { schema: statusSchema });
    if (submission.status !== "success") return replyInvalid(submission);
    const changed = await changeOrganizationStatus(context, person.id, id, submission.value.status);
    if (!changed) throw notFound();
    return redirect(`/app/organizations/${id}?saved=status`);
  }
  const submission = parseWithZod(formData, { schema: organizationSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    const saved = await editOrganization(context, person.id, id, toOrganizationFields(submission.value));
    if (!saved) throw notFound();
  } catch (error) {
    if (error instanceof Response) throw error;
    return replyWithError(submission, error);
  }
  return redirect(`/app/organizations/${id}?saved=details`);
}

const statusActions = {
  active: [
    { status: "suspended", label: "Suspend", hint: "Its representatives can read but not write or vote." },
    { status: "left", label: "Mark as left", hint: "It leaves the coalition; its history stays." },
  ],
  suspended: [
    { status: "active", label: "Reinstate", hint: "Its representatives can write and vote again." },
    { status: "left", label: "Mark as left", hint: "It leaves the coalition; its history stays." },
  ],
  left: [{ status: "active", label: "Reinstate as member", hint: "It rejoins the coalition." }],
} as const;

export default function EditOrganization() {
  const { organization, people } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const saved = params.get("saved");
  return (
    <>
      <p>
        <Link to="/app/organizations">← Organizations</Link>
      </p>
      <h1>{organization.name}</h1>
      {saved ? (
        <p className="notice success" role="status">
          {saved === "status" ? `The status is now: ${organization.status}.` : "The changes were saved."}
        </p>
      ) : null}
      <dl className="facts">
        <dt>Status</dt>
        <dd>{organization.status}</dd>
        <dt>Joined</dt>
        <dd>{organization.joinedOn}</dd>
      </dl>

      <h2>People</h2>
      {people.length === 0 ? (
        <p className="empty">
          No one represents this organization yet. <Link to="/app/people">Invite a representative</Link>.
        </p>
      ) : (
        <ul>
          {people.map((p) => (
            <li key={p.id}>
              <Link to={`/app/people/${p.id}`}>{p.name}</Link> ({p.email}){p.canVote ? ", can vote" : ""}
            </li>
          ))}
        </ul>
      )}

      <h2>Details</h2>
      <OrganizationForm
        lastResult={lastResult}
        submitLabel="Save changes"
        defaultValue={{
          name: organization.name,
          shortName: organization.shortName,
          website: organization.website ?? "",
          description: organization.description,
          pillars: organization.pillars,
          votingMember: organization.votingMember,
        }}
      />

      <h2>Membership status</h2>
      <div className="actions">
        {statusActions[organization.status].map((a) => (
          <Form method="post" key={a.status}>
            <input type="hidden" name="intent" value="status" />
            <input type="hidden" name="status" value={a.status} />
            <button type="submit" className={a.status === "active" ? undefined : "secondary"} aria-describedby={`status-${a.status}`}>
              {a.label}
            </button>
            <span className="hint" id={`status-${a.status}`}>
              {" "}
              {a.hint}
            </span>
          </Form>
        ))}
      </div>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.organization.name ?? "Organization"} · CARE Table` },
];

export function ErrorBoundary() {
  return <ErrorPage />;
}
