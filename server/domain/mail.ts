import type { Db } from "../../db/client";
import { addDigestItems, modesFor } from "../../db/queries/mail-preferences";
import { enqueueMail, insertMails } from "../../db/queries/outbox";
import type { MailKind } from "../../db/schema";
import type { Env } from "../env";
import type { MailDelivery } from "../mail";

/** What queuing mail needs: whether it goes out at all (the outbox keeps it otherwise). */
export type MailServices = { mail: Pick<MailDelivery, "sends" | "nudge">; env: Pick<Env, "PUBLIC_URL"> };

export interface Mail {
  to: string;
  subject: string;
  body: string;
}

/**
 * Puts a mail in the outbox inside the caller's transaction. Subjects are forced onto one line
 * (no header injection through a name typed into a form); the body is plain text.
 */
export async function queueMail(db: Db, context: Pick<MailServices, "mail">, mail: Mail) {
  return enqueueMail(db, { to: mail.to, subject: oneLine(mail.subject), body: mail.body }, context.mail.sends ? "queued" : "kept");
}

/** Several mails in one statement (receipts to every voter of an organization). */
export async function queueMails(db: Db, context: Pick<MailServices, "mail">, mails: Mail[]) {
  await queueMailsStatement(db, context, mails);
}

/** `queueMails` as a statement not yet sent, to send with another (the ballot's audit event); null for none. */
export function queueMailsStatement(db: Db, context: Pick<MailServices, "mail">, mails: Mail[]) {
  return mails.length === 0 ? null : insertMails(db, mails.map(asQueued), context.mail.sends ? "queued" : "kept");
}

function asQueued(m: Mail): Mail {
  return { to: m.to, subject: oneLine(m.subject), body: m.body };
}

function oneLine(subject: string) {
  return subject.replace(/[\r\n]+/g, " ").slice(0, 200);
}

export function absoluteUrl(context: Pick<MailServices, "env">, path: string): string {
  return new URL(path, context.env.PUBLIC_URL).toString();
}

/**
 * Sends mail of one kind as each person chose: at once (the outbox), kept for their daily digest,
 * or not at all. In the caller's transaction, so the mail exists iff the change does.
 */
export async function deliverByPreference(
  db: Db,
  context: Pick<MailServices, "mail">,
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
