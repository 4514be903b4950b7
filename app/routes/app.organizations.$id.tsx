import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  data,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ErrorPage } from "../components/error-page";
import { OrganizationForm } from "../components/organization-form";
import { dispatchIntent, intentForm } from "../lib/intents.server";
import { askFirst, isConfirmed } from "../lib/confirm";
import { ConfirmStep, confirmationOf } from "../components/confirm-step";
import { LOGO_MAX_BYTES } from "../lib/logos";
import { requirePermission } from "../lib/session.server";
import { changeOrganizationStatus, editOrganization, getOrganizationWithPeople, describeSuspension } from "../models/organizations.server";
import { getLogoForConveners, LOGO_TOO_LARGE, removeLogo, uploadLogo } from "../models/logos.server";
import { UserFacingError } from "../models/auth.server";
import { organizationSchema, toOrganizationFields } from "../schemas/organization.server";
import { notFound } from "../lib/not-found";
import { logoSchema, organizationStatusSchema, removeLogoSchema } from "../schemas/organization.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "organization:manage");
  const found = await getOrganizationWithPeople(context, params.id ?? "");
  if (!found) throw notFound();
  return { ...found, logo: await getLogoForConveners(context, found.organization.id) };
}

async function logoAction(request: Request, context: ActionFunctionArgs["context"], actorId: string, id: string) {
  let formData: FormData;
  try {
    // Parts over the limit are refused while they stream in, before they are all in memory.
    formData = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: LOGO_MAX_BYTES }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return data({ logoError: LOGO_TOO_LARGE }, { status: 413 });
    throw error;
  }
  const parsed = logoSchema.safeParse({ intent: formData.get("intent"), logo: formData.get("logo") ?? undefined });
  if (!parsed.success) return data({ logoError: parsed.error.issues[0]!.message }, { status: 400 });
  try {
    if (!(await uploadLogo(context, actorId, id, parsed.data.logo))) throw notFound();
  } catch (error) {
    if (error instanceof UserFacingError) return data({ logoError: error.message }, { status: error.status });
    throw error;
  }
  return redirect(`/app/organizations/${id}?saved=logo`);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "organization:manage");
  const id = params.id ?? "";
  if (request.headers.get("Content-Type")?.startsWith("multipart/form-data")) {
    return logoAction(request, context, person.id, id);
  }
  const back = (what: string) => redirect(`/app/organizations/${id}?saved=${what}`);
  const formData = await request.formData();
  return dispatchIntent(formData, {
    save: intentForm(
      organizationSchema,
      async (value) => (await editOrganization(context, person.id, id, toOrganizationFields(value))) && back("details"),
    ),
    status: intentForm(organizationStatusSchema, async (value) => {
      if (value.status === "suspended" && !isConfirmed(formData)) {
        const about = await describeSuspension(context, id);
        if (!about) return null;
        if (about.status !== "suspended") {
          return askFirst(formData, {
            question: `Suspend ${about.name}?`,
            consequence: about.consequence,
            yes: `Yes, suspend ${about.name}`,
          });
        }
      }
      return (await changeOrganizationStatus(context, person.id, id, value.status)) && back("status");
    }),
    "remove-logo": intentForm(removeLogoSchema, async () => {
      await removeLogo(context, person.id, id);
      return back("logo-removed");
    }),
  });
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
  const { organization, people, logo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const lastResult = actionData && "status" in actionData ? actionData : undefined;
  const logoError = actionData && "logoError" in actionData ? actionData.logoError : null;
  const [params] = useSearchParams();
  const saved = params.get("saved");
  return (
    <>
      <p>
        <Link to="/app/organizations">← Organizations</Link>
      </p>
      <h1>{organization.name}</h1>
      {confirmationOf(actionData) ? (
        <ConfirmStep confirmation={confirmationOf(actionData)!} back={`/app/organizations/${organization.id}`} />
      ) : null}
      {saved ? (
        <p className="notice success" role="status">
          {savedWords(saved, organization.status)}
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

      <h2 id="logo-heading">Logo</h2>
      {logo ? (
        <div className="logo-preview">
          <img src={logo.src} alt={organization.name} width={logo.width ?? undefined} height={logo.height ?? undefined} />
          <Form method="post">
            <input type="hidden" name="intent" value="remove-logo" />
            <button type="submit" className="secondary">
              Remove logo
            </button>
          </Form>
        </div>
      ) : (
        <p className="empty">No logo yet: the public site shows the organization&apos;s name instead.</p>
      )}
      <Form method="post" encType="multipart/form-data" className="stack" aria-labelledby="logo-heading">
        <input type="hidden" name="intent" value="logo" />
        <div className="field">
          <label htmlFor="logo">{logo ? "New logo file" : "Logo file"}</label>
          <span className="hint" id="logo-hint">
            PNG, JPEG or WebP, at most 512 KB. SVG is not accepted. The public site shows it with the organization&apos;s name as its text.
          </span>
          <input
            type="file"
            id="logo"
            name="logo"
            accept="image/png,image/jpeg,image/webp"
            aria-describedby={logoError ? "logo-hint logo-error" : "logo-hint"}
            aria-invalid={logoError ? true : undefined}
          />
          {logoError ? (
            <p className="field-error" id="logo-error" role="alert">
              {logoError}
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit">Upload logo</button>
        </div>
      </Form>

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

function savedWords(saved: string, status: string): string {
  switch (saved) {
    case "status":
      return `The status is now: ${status}.`;
    case "logo":
      return "The logo was saved. The public site shows it now.";
    case "logo-removed":
      return "The logo was removed.";
    default:
      return "The changes were saved.";
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.organization.name ?? "Organization"} · CARE Table` }];

export function ErrorBoundary() {
  return <ErrorPage />;
}
