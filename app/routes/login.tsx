import { getFormProps, useForm } from "../lib/use-form";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import type { z } from "zod";
import { ErrorSummary, TextField } from "../components/fields";
import { PublicLayout } from "../components/layout";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { safeRedirectPath } from "../lib/redirect";
import { getPerson, sessionCookie } from "../lib/session.server";
import { login } from "../models/auth.server";
import { loginSchema } from "../schemas/account.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getPerson(request, context)) throw redirect("/app");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: loginSchema });
  if (submission.status !== "success") return replyInvalid(submission, ["password"]);
  try {
    const token = await login(context, submission.value.email, submission.value.password);
    return redirect(safeRedirectPath(submission.value.redirectTo, "/app"), {
      headers: { "Set-Cookie": sessionCookie(context, token) },
    });
  } catch (error) {
    return replyWithError(submission, error, ["password"]);
  }
}

export default function Login() {
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm<z.input<typeof loginSchema>>({ id: "login", lastResult, shouldRevalidate: "onBlur" });
  return (
    <PublicLayout>
      <h1>Log in</h1>
      {params.get("loggedOut") ? (
        <p className="notice success" role="status">
          You have logged out.
        </p>
      ) : null}
      <p>For representatives of member organizations and conveners.</p>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <TextField meta={fields.email} label="Email" type="email" autoComplete="username" required />
        <TextField meta={fields.password} label="Password" type="password" autoComplete="current-password" required />
        <div className="actions">
          <button type="submit">Log in</button>
          <Link to="/forgot">Forgot your password?</Link>
        </div>
      </Form>
    </PublicLayout>
  );
}

export const meta: MetaFunction = () => [{ title: "Log in · CARE Table" }];
