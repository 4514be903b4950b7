import { getFormProps, useForm } from "../lib/use-form";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { z } from "zod";
import { ErrorSummary, RadioGroup, TextAreaField, TextField } from "../components/fields";
import { PublicLayout } from "../components/layout";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { HONEYPOT_FIELD, INQUIRY_LIMITS, organizationKindWords, organizationKinds } from "../lib/inquiries";
import { publicMeta } from "../lib/meta";
import type { RouteHandle } from "../lib/route-handle";
import { getInquiryRetentionMonths, submitInquiry } from "../models/inquiries.server";
import { inquirySchema } from "../schemas/inquiry.server";
import { useSite } from "../root";

export const handle: RouteHandle = { publicCache: true };

export async function loader({ context }: LoaderFunctionArgs) {
  return { retentionMonths: await getInquiryRetentionMonths(context) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  // The body was bounded before it reached this route (server/request-body.ts).
  const formData = await request.formData();
  // A filled honeypot is a robot: it gets the same answer as a person, and nothing is stored.
  if (formData.getAll(HONEYPOT_FIELD).some((v) => v !== "")) {
    context.log.info({ requestId: context.requestId }, "inquiry with the honeypot filled: dropped");
    return redirect("/join/thanks", 303);
  }
  const submission = parseWithZod(formData, { schema: inquirySchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    await submitInquiry(context, submission.value);
  } catch (error) {
    return replyWithError(submission, error);
  }
  return redirect("/join/thanks", 303);
}

export default function Join() {
  const { retentionMonths } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const site = useSite();
  const [form, fields] = useForm<z.input<typeof inquirySchema>>({ id: "inquiry", lastResult });
  return (
    <PublicLayout>
      <h1>Join the coalition</h1>
      <div className="join">
        <div className="join-form">
          <p>
            We welcome inquiries about membership from patient advocacy groups and other health care organizations that share our aim of
            patient-centered reform in coverage, access, research and equity. Tell us about your organization and a convener will write back
            to you.
          </p>
          <ErrorSummary form={form} />
          <Form method="post" className="stack" {...getFormProps(form)} noValidate aria-describedby="privacy-heading">
            <TextField meta={fields.name} label="Name" autoComplete="name" required />
            <TextField meta={fields.email} label="Email" type="email" autoComplete="email" required />
            <TextField meta={fields.organization} label="Organization" autoComplete="organization" required />
            <RadioGroup
              meta={fields.kind}
              legend="Kind of organization"
              options={organizationKinds.map((k) => ({ value: k, label: organizationKindWords[k] }))}
            />
            <TextAreaField
              meta={fields.message}
              label="Message"
              hint={`What your organization does and why it would like to join. At most ${INQUIRY_LIMITS.message.toLocaleString("en-US")} characters.`}
              rows={8}
            />
            <div className="hp" aria-hidden="true">
              <label htmlFor="inquiry-homepage">Leave this field empty</label>
              <input id="inquiry-homepage" type="text" name={HONEYPOT_FIELD} tabIndex={-1} autoComplete="off" />
            </div>
            <div className="actions">
              <button type="submit">Send inquiry</button>
            </div>
          </Form>
        </div>
        <aside className="privacy" aria-labelledby="privacy-heading">
          <h2 id="privacy-heading">Your inquiry and your privacy</h2>
          <p>
            <strong>What we keep:</strong> what you write in this form, and when you sent it. Your connection&apos;s address is used only to
            limit how many inquiries can be sent from it, and is not kept with your inquiry. No tracking, no cookies.
          </p>
          <p>
            <strong>Who reads it:</strong> only the coalition&apos;s conveners, who run the table. It is never published or shared.
          </p>
          <p>
            <strong>How long:</strong>{" "}
            {`until we have answered it; then it is deleted after ${retentionMonths === 1 ? "one month" : `${retentionMonths} months`}.`}
          </p>
          {site?.contactEmail ? (
            <p>
              To see what we keep, or have it deleted sooner, write to <a href={`mailto:${site.contactEmail}`}>{site.contactEmail}</a>.
            </p>
          ) : null}
        </aside>
      </div>
    </PublicLayout>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches }) =>
  publicMeta(matches, {
    title: "Join the coalition",
    description: "Ask about membership: patient advocacy groups and supporting organizations are welcome.",
    path: "/join",
  });
