import { getFormProps, useForm } from "../lib/use-form";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import type { z } from "zod";
import { ErrorSummary, TextField } from "../components/fields";
import { PublicLayout } from "../components/layout";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { requestPasswordReset } from "../models/auth.server";
import { forgotSchema } from "../schemas/account.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: forgotSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    await requestPasswordReset(context, submission.value.email);
  } catch (error) {
    return replyWithError(submission, error);
  }
  return data({ sent: true as const });
}

export default function Forgot() {
  const lastResult = useActionData<typeof action>();
  const sent = lastResult && "sent" in lastResult;
  const formResult = lastResult && "status" in lastResult ? lastResult : undefined;
  const [form, fields] = useForm<z.input<typeof forgotSchema>>({ id: "forgot", lastResult: formResult });
  return (
    <PublicLayout>
      <h1>Forgot your password?</h1>
      {sent ? (
        <div className="notice success" role="status">
          <p>
            If an active account uses that address, we have sent it a link to choose a new password. The link works for 2 hours. Check your
            spam folder if nothing arrives in a few minutes.
          </p>
        </div>
      ) : (
        <p>Type the email of your account. We will send it a link to choose a new password.</p>
      )}
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        <TextField meta={fields.email} label="Email" type="email" autoComplete="email" required />
        <div className="actions">
          <button type="submit">Send reset link</button>
        </div>
      </Form>
    </PublicLayout>
  );
}

export const meta: MetaFunction = () => [{ title: "Forgot password · CARE Table" }];
