import { getFormProps, useForm } from "../lib/use-form";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { z } from "zod";
import { ErrorSummary, TextField } from "../components/fields";
import { PublicLayout } from "../components/layout";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { sessionCookie } from "../lib/session.server";
import { checkToken, openTokenPost, resetPassword, resetProblem, tokenProblemStatus } from "../models/auth.server";
import { resetSchema } from "../schemas/account.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = await checkToken(context, params.token ?? "", "password_reset");
  if (found.state !== "valid") return data({ problem: resetProblem(found.state) }, { status: tokenProblemStatus(found.state) });
  return { problem: null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: resetSchema });
  try {
    await openTokenPost(context, params.token ?? "", "password_reset");
    if (submission.status !== "success") return replyInvalid(submission, ["password"]);
    const token = await resetPassword(context, params.token ?? "", submission.value.password);
    return redirect("/app?passwordChanged=1", { headers: { "Set-Cookie": sessionCookie(context, token) } });
  } catch (error) {
    return replyWithError(submission, error, ["password"]);
  }
}

export default function ResetPassword() {
  const { problem } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<z.input<typeof resetSchema>>({ id: "reset-password", lastResult });
  return (
    <PublicLayout>
      <h1>Choose a new password</h1>
      {problem ? (
        <div className="notice error" role="alert">
          <p>{problem}</p>
          <p>
            <Link to="/forgot">Ask for a new link</Link>
          </p>
        </div>
      ) : (
        <>
          <ErrorSummary form={form} />
          <Form method="post" className="stack" {...getFormProps(form)} noValidate>
            <TextField
              meta={fields.password}
              label="New password"
              type="password"
              autoComplete="new-password"
              hint="At least 10 characters. Every session of your account will be signed out."
              required
            />
            <div className="actions">
              <button type="submit">Set new password</button>
            </div>
          </Form>
        </>
      )}
    </PublicLayout>
  );
}

export const meta: MetaFunction = () => [{ title: "Reset password · CARE Table" }, { name: "robots", content: "noindex" }];
