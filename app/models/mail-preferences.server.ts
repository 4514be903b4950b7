import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "../../db/client";
import { addDigestItems, listMailPreferences, modesFor, setMailPreferences } from "../../db/queries/mail-preferences";
import type { MailKind, MailMode } from "../../db/schema";
import { mailKindChoices } from "../lib/mail-kinds";
import { queueMails, type Mail } from "./mail.server";

export type { MailKind, MailMode };

/**
 * Sends mail of one kind as each person chose: at once (the outbox), kept for their daily digest,
 * or not at all. In the caller's transaction, so the mail exists iff the change does.
 */
export async function deliverByPreference(
  db: Db,
  context: Pick<AppLoadContext, "mail">,
  kind: MailKind,
  mails: (Mail & { personId: string })[],
) {
  const modes = await modesFor(
    db,
    mails.map((m) => m.personId),
    kind,
  );
  await queueMails(
    db,
    context,
    mails.filter((m) => modes.get(m.personId) === "immediate"),
  );
  await addDigestItems(
    db,
    mails.filter((m) => modes.get(m.personId) === "digest").map((m) => ({ personId: m.personId, kind, subject: m.subject, body: m.body })),
  );
}

/** One person's choices for every kind (`immediate` where they never chose). */
export async function getMailPreferences(context: Pick<AppLoadContext, "database">, personId: string): Promise<Record<MailKind, MailMode>> {
  const chosen = await listMailPreferences(context.database.db, personId);
  return Object.fromEntries(mailKindChoices.map((k) => [k, chosen[k] ?? "immediate"])) as Record<MailKind, MailMode>;
}

export async function saveMailPreferences(
  context: Pick<AppLoadContext, "database">,
  personId: string,
  choices: Record<MailKind, MailMode>,
) {
  await setMailPreferences(context.database.db, personId, choices);
}
