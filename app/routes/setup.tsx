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
import { checkToken, openTokenPost, setupFirstConvener, setupProblem, tokenProblemStatus } from "../models/auth.server";
import { setupSchema } from "../schemas/account.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const found = token ? await checkToken(context, token, "setup") : { state: "unknown" as const };
  if (found.state !== "valid")
    return data({ token: null, problem: setupProblem(found.state) }, { status: tokenProblemStatus(found.state) });
  return { token, problem: null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: setupSchema });
  try {
    const posted = formData.get("token");
    await openTokenPost(context, typeof posted === "string" ? posted : "", "setup");
    if (submission.status !== "success") return replyInvalid(submission, ["password"]);
    const { token, ...fields } = submission.value;
    const sessionToken = await setupFirstConvener(context, token, fields);
    return redirect("/app", { headers: { "Set-Cookie": sessionCookie(context, sessionToken) } });
  } catch (error) {
    return replyWithError(submission, error, ["password"]);
  }
}

export default function Setup() {
  const { token, problem } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<z.input<typeof setupSchema>>({ id: "setup", lastResult });
  if (!token) {
    return (
      <PublicLayout>
        <h1>Set up CARE Table</h1>
        <div className="notice error" role="alert">
          <p>{problem}</p>
          <p>
            If the platform is already set up, <Link to="/login">log in</Link>.
          </p>
        </div>
      </PublicLayout>
    );
  }
  return (
    <PublicLayout>
      <h1>Set up CARE Table</h1>
      <p>Create the first convener account. Conveners manage organizations, people and consensus rounds.</p>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        <input type="hidden" name="token" value={token} />
        <TextField meta={fields.name} label="Name" autoComplete="name" required />
        <TextField meta={fields.email} label="Email" type="email" autoComplete="email" required />
        <TextField
          meta={fields.password}
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters. A few unrelated words make a strong password."
          required
        />
        <div className="actions">
          <button type="submit">Create convener account</button>
        </div>
      </Form>
    </PublicLayout>
  );
}

export const meta: MetaFunction = () => [{ title: "Set up · CARE Table" }, { name: "robots", content: "noindex" }];
