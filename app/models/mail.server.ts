import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "../../db/client";
import { enqueueMail, enqueueMails } from "../../db/queries/outbox";

export interface Mail {
  to: string;
  subject: string;
  body: string;
}

/**
 * Puts a mail in the outbox inside the caller's transaction. Subjects are forced onto one line
 * (no header injection through a name typed into a form); the body is plain text.
 */
export async function queueMail(db: Db, context: Pick<AppLoadContext, "mail">, mail: Mail) {
  return enqueueMail(db, { to: mail.to, subject: oneLine(mail.subject), body: mail.body }, context.mail.sends ? "queued" : "kept");
}

/** Several mails in one statement (receipts to every voter of an organization). */
export async function queueMails(db: Db, context: Pick<AppLoadContext, "mail">, mails: Mail[]) {
  if (mails.length === 0) return;
  await enqueueMails(
    db,
    mails.map((m) => ({ to: m.to, subject: oneLine(m.subject), body: m.body })),
    context.mail.sends ? "queued" : "kept",
  );
}

function oneLine(subject: string) {
  return subject.replace(/[\r\n]+/g, " ").slice(0, 200);
}

export function absoluteUrl(context: Pick<AppLoadContext, "env">, path: string): string {
  return new URL(path, context.env.PUBLIC_URL).toString();
}
