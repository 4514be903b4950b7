import type { SubmissionResult } from "@conform-to/react";
import { getFormProps, useForm } from "../lib/use-form";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { z } from "zod";
import { ErrorSummary, SelectField, TextField } from "../components/fields";
import { dispatchIntent, intentForm } from "../lib/intents.server";
import { requirePermission, startSession } from "../lib/session.server";
import { timeZoneOptions } from "../lib/time";
import { readerTimeZone } from "../models/time-zone.server";
import { changeOwnPassword, updateProfile } from "../models/people.server";
import { MailPreferencesForm } from "../components/mail-preferences-form";
import { getMailPreferences, saveMailPreferences } from "../models/mail-preferences.server";
import { mailPreferencesSchema } from "../schemas/mail-preferences.server";
import { passwordSchema, profileSchema } from "../schemas/profile.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "profile:edit");
  return {
    name: person.name,
    email: person.email,
    timeZone: person.timeZone ?? "",
    coalitionZone: await readerTimeZone(context, { timeZone: null }),
    zones: timeZoneOptions(),
    mail: await getMailPreferences(context, person.id),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "profile:edit");
  return dispatchIntent(await request.formData(), {
    profile: intentForm(profileSchema, async (value) => {
      await updateProfile(context, person.id, { name: value.name, timeZone: value.timeZone ?? null });
      return redirect("/app/profile?saved=profile");
    }),
    password: intentForm(
      passwordSchema,
      async (value) => {
        await changeOwnPassword(context, person.id, value.currentPassword, value.newPassword);
        return startSession(context, person.id, "/app/profile?saved=password");
      },
      ["currentPassword", "newPassword"],
    ),
    mail: intentForm(mailPreferencesSchema, async ({ intent: _intent, ...choices }) => {
      await saveMailPreferences(context, person.id, choices);
      return redirect("/app/profile?saved=mail");
    }),
  });
}

export default function Profile() {
  const { name, email, timeZone, coalitionZone, zones, mail } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const intent = lastResult && "initialValue" in lastResult ? lastResult.initialValue?.intent : undefined;
  const [profileForm, profileFields] = useForm<z.input<typeof profileSchema>>({
    id: "profile",
    lastResult: intent === "profile" ? lastResult : undefined,
    defaultValue: { name, timeZone },
  });
  const [passwordForm, passwordFields] = useForm<z.input<typeof passwordSchema>>({
    id: "password",
    lastResult: intent === "password" ? lastResult : undefined,
  });
  const saved = params.get("saved");
  return (
    <>
      <h1>Your profile</h1>
      {saved ? (
        <p className="notice success" role="status">
          {saved === "password"
            ? "Your password was changed. Your other sessions were signed out."
            : saved === "mail"
              ? "Your mail choices were saved."
              : "Your profile was saved."}
        </p>
      ) : null}
      <p>Email: {email}. Ask a convener if it needs to change.</p>

      <h2>Name and time zone</h2>
      <ErrorSummary form={profileForm} />
      <Form method="post" className="stack" {...getFormProps(profileForm)} noValidate>
        <input type="hidden" name="intent" value="profile" />
        <TextField meta={profileFields.name} label="Name" autoComplete="name" required />
        <SelectField
          meta={profileFields.timeZone}
          label="Time zone"
          hint="Deadlines and times are shown in this zone."
          placeholder={`The coalition's zone (${coalitionZone})`}
          options={zones.map((z) => ({ value: z, label: z.replaceAll("_", " ") }))}
        />
        <div className="actions">
          <button type="submit">Save profile</button>
        </div>
      </Form>

      <h2>Password</h2>
      <ErrorSummary form={passwordForm} />
      <Form method="post" className="stack" {...getFormProps(passwordForm)} noValidate>
        <input type="hidden" name="intent" value="password" />
        <TextField
          meta={passwordFields.currentPassword}
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
        />
        <TextField
          meta={passwordFields.newPassword}
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters. Your other sessions will be signed out."
          required
        />
        <div className="actions">
          <button type="submit">Change password</button>
        </div>
      </Form>

      <MailPreferencesForm current={mail} lastResult={intent === "mail" ? (lastResult as SubmissionResult<string[]>) : undefined} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Your profile · CARE Table" }];
