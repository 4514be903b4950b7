import { getFormProps, useForm } from "../lib/use-form";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { z } from "zod";
import { ErrorSummary, TextAreaField, TextField } from "../components/fields";
import { dispatchIntent, intentForm } from "../lib/intents.server";
import type { PillarKey } from "../lib/pillars";
import { requirePermission } from "../lib/session.server";
import { getSiteProfile, saveSiteText } from "../models/site.server";
import { siteSchema } from "../schemas/site.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "site:edit");
  const { coalition, pillars } = await getSiteProfile(context);
  return {
    text: {
      name: coalition.name,
      shortName: coalition.shortName,
      tagline: coalition.tagline,
      about: coalition.about,
      vision: coalition.vision,
      context: coalition.context,
      convenerLine: coalition.convenerLine,
      contactEmail: coalition.contactEmail,
      inquiryRetentionMonths: String(coalition.inquiryRetentionMonths),
      ...Object.fromEntries(pillars.map((p) => [p.key, p.description])),
    },
    pillars: pillars.map((p) => ({ key: p.key, name: p.name })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "site:edit");
  return dispatchIntent(await request.formData(), {
    save: intentForm(siteSchema, async ({ coverage, access, research, equity, ...text }) => {
      await saveSiteText(context, person.id, text, { coverage, access, research, equity });
      return redirect("/app/site?saved=1");
    }),
  });
}

const paragraphsHint = "Plain text. Leave a blank line between paragraphs.";

export default function SiteText() {
  const { text, pillars } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm<z.input<typeof siteSchema>>({ id: "site", lastResult, defaultValue: text });
  return (
    <>
      <h1>Site text</h1>
      {params.get("saved") ? (
        <p className="notice success" role="status">
          The site text was saved. The public site shows it now:{" "}
          <Link to="/" reloadDocument>
            see the home page
          </Link>
          .
        </p>
      ) : null}
      <p>What the public site says about the coalition. Text is shown exactly as written: no formatting, no links.</p>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        <input type="hidden" name="intent" value="save" />
        <TextField meta={fields.name} label="Coalition name" required />
        <TextField meta={fields.shortName} label="Short name" hint="Used where space is short, like mail subjects." required />
        <TextField meta={fields.tagline} label="Tagline" hint="One line under the name on the home page. Optional." />
        <TextAreaField meta={fields.about} label="What the coalition is" hint={paragraphsHint} rows={5} />
        <TextAreaField meta={fields.vision} label="Vision" hint={paragraphsHint} rows={5} />
        <TextAreaField meta={fields.context} label="Why now" hint={`Shown after the vision. ${paragraphsHint} Optional.`} rows={4} />
        <fieldset className="field">
          <legend>What each pillar means</legend>
          {pillars.map((p) => (
            <TextAreaField key={p.key} meta={fields[p.key as PillarKey]} label={p.name} hint={paragraphsHint} rows={4} />
          ))}
        </fieldset>
        <TextField
          meta={fields.convenerLine}
          label="Convener line"
          hint="Who convenes the coalition, as one line: for example, Convened and managed by …"
        />
        <TextField
          meta={fields.contactEmail}
          label="Contact address"
          type="email"
          hint="Shown in the footer of every public page and in the privacy notice of the join form."
          required
        />
        <TextField
          meta={fields.inquiryRetentionMonths}
          label="Keep closed inquiries for (months)"
          type="number"
          hint="Accepted and declined membership inquiries are deleted this many months after they were closed."
          required
        />
        <div className="actions">
          <button type="submit">Save site text</button>
        </div>
      </Form>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Site text · CARE Table" }];
