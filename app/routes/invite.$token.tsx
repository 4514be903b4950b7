import { getFormProps, useForm } from "../lib/use-form";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { z } from "zod";
import { ErrorSummary, TextField } from "../components/fields";
import { PublicLayout } from "../components/layout";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { sessionCookie } from "../lib/session.server";
import { acceptInvitation, checkToken, invitationProblem, openTokenPost, tokenProblemStatus } from "../models/auth.server";
import { getOrganizationName } from "../models/organizations.server";
import { invitationSchema } from "../schemas/account.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = await checkToken(context, params.token ?? "", "invitation");
  if (found.state !== "valid") {
    return data({ problem: invitationProblem(found.state), invitation: null }, { status: tokenProblemStatus(found.state) });
  }
  const { email, name, organizationId, canVote } = found.token;
  return {
    problem: null,
    invitation: { email, name, canVote, organizationName: await getOrganizationName(context, organizationId) },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: invitationSchema });
  try {
    await openTokenPost(context, params.token ?? "", "invitation");
    if (submission.status !== "success") return replyInvalid(submission, ["password"]);
    const token = await acceptInvitation(context, params.token ?? "", submission.value);
    return redirect("/app?welcome=1", { headers: { "Set-Cookie": sessionCookie(context, token) } });
  } catch (error) {
    return replyWithError(submission, error, ["password"]);
  }
}

export default function AcceptInvitation() {
  const { problem, invitation } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<z.input<typeof invitationSchema>>({
    id: "accept-invitation",
    lastResult,
    defaultValue: { name: invitation?.name ?? "" },
  });
  return (
    <PublicLayout>
      <h1>Accept your invitation</h1>
      {problem || !invitation ? (
        <div className="notice error" role="alert">
          <p>{problem}</p>
        </div>
      ) : (
        <>
          <p>
            You are invited to represent <strong>{invitation.organizationName}</strong>
            {invitation.canVote ? ", and to cast its ballot in consensus rounds" : ""}. Your account&apos;s email is{" "}
            <strong>{invitation.email}</strong>.
          </p>
          <ErrorSummary form={form} />
          <Form method="post" className="stack" {...getFormProps(form)} noValidate>
            <TextField meta={fields.name} label="Name" autoComplete="name" hint="As others in the coalition will see it." required />
            <TextField
              meta={fields.password}
              label="Password"
              type="password"
              autoComplete="new-password"
              hint="At least 10 characters."
              required
            />
            <div className="actions">
              <button type="submit">Accept invitation</button>
            </div>
          </Form>
        </>
      )}
    </PublicLayout>
  );
}

export const meta: MetaFunction = () => [{ title: "Accept invitation · CARE Table" }, { name: "robots", content: "noindex" }];
