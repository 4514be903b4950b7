import { getFormProps, useForm } from "../lib/use-form";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { z } from "zod";
import { ErrorPage } from "../components/error-page";
import { ErrorSummary, TextAreaField, TextField } from "../components/fields";
import { ReadingGrade } from "../components/reading-grade";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { describeReadingGrade } from "../lib/reading-grade.server";
import { requirePermission } from "../lib/session.server";
import { zonedLocalToInstant } from "../lib/time";
import { UserFacingError } from "../models/auth.server";
import { readerTimeZone } from "../models/time-zone.server";
import { getPublishing, publishPosition } from "../models/positions.server";
import { publishSchema } from "../schemas/position.server";
import { notFound } from "../lib/not-found";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "position:publish");
  const publishing = await getPublishing(context, params.roundId ?? "");
  if (!publishing) throw notFound();
  return { ...publishing, summaryGrade: describeReadingGrade(publishing.proposalSummary), zone: await readerTimeZone(context, person) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "position:publish");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: publishSchema });
  // The page shown again beside the summary sent shows that text's grade (without JavaScript too).
  const shown = { summaryGrade: describeReadingGrade(String(formData.get("summary") ?? "")) };
  if (submission.status !== "success") return replyInvalid(submission, [], shown);
  const { title, summary, releaseAt } = submission.value;
  try {
    let release: Date | null = null;
    if (releaseAt) {
      release = zonedLocalToInstant(releaseAt, await readerTimeZone(context, person));
      if (!release) throw new UserFacingError("Enter the release time as a date and time.", 400, "releaseAt");
    }
    const position = await publishPosition(context, person.id, params.roundId ?? "", { title, summary, releaseAt: release });
    if (!position) throw notFound();
    return redirect(`/app/positions/${position.id}?done=${release ? "scheduled" : "published"}`);
  } catch (error) {
    if (error instanceof Response) throw error;
    return replyWithError(submission, error, [], shown);
  }
}

export default function PublishPosition() {
  const page = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<z.input<typeof publishSchema>>({
    id: "publish",
    lastResult,
    defaultValue: { title: page.proposalTitle, summary: page.proposalSummary, releaseAt: "" },
  });
  return (
    <>
      <p>
        <Link to={`/app/rounds/${page.roundId}`}>← The round on {page.proposalTitle}</Link>
      </p>
      <h1>Publish position</h1>
      {page.published ? (
        <div className="notice" role="status">
          <p>
            This round&apos;s text is published as <a href={`/positions/${page.published.slug}`}>{page.published.title}</a>.
          </p>
        </div>
      ) : page.outcome !== "adopted" ? (
        <div className="notice error" role="alert">
          <p>Only the text of an adopted round can be published.</p>
        </div>
      ) : (
        <>
          <p>
            The position shows the adopted text exactly as voted, its pillars, the adoption date, the organizations that endorsed and
            allowed listing, and the text&apos;s fingerprint.
          </p>
          <ErrorSummary form={form} />
          <Form method="post" className="stack" {...getFormProps(form)} noValidate>
            <TextField meta={fields.title} label="Public title" required />
            <TextAreaField
              meta={fields.summary}
              label="Plain-language summary"
              hint="What the position asks for and why, in everyday words. Aim for reading grade 8 or below."
              rows={6}
            />
            <ReadingGrade fieldId={fields.summary.id} initialGrade={lastResult?.summaryGrade ?? page.summaryGrade} />
            <TextField
              meta={fields.releaseAt}
              label="Release time"
              type="datetime-local"
              hint={`Optional, in your time zone (${page.zone}). Until then the position stays private and then appears by itself. Leave empty to publish now.`}
            />
            <div className="actions">
              <button type="submit">Publish position</button>
            </div>
          </Form>
        </>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Publish position · CARE Table" }];

export function ErrorBoundary() {
  return <ErrorPage />;
}
