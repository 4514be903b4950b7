import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { OrganizationForm } from "../components/organization-form";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { requirePermission } from "../lib/session.server";
import { addOrganization } from "../models/organizations.server";
import { organizationSchema, toOrganizationFields } from "../schemas/organization.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "organization:manage");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "organization:manage");
  const submission = parseWithZod(await request.formData(), { schema: organizationSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    await addOrganization(context, person.id, toOrganizationFields(submission.value));
  } catch (error) {
    return replyWithError(submission, error);
  }
  return redirect("/app/organizations?added=1");
}

export default function NewOrganization() {
  const lastResult = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/app/organizations">← Organizations</Link>
      </p>
      <h1>Add organization</h1>
      <OrganizationForm
        lastResult={lastResult}
        submitLabel="Add organization"
        defaultValue={{ name: "", shortName: "", website: "", description: "", pillars: [], votingMember: true }}
      />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Add organization · CARE Table" }];
