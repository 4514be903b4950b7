import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "../../db/client";
import { enqueueMail } from "../../db/queries/outbox";

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
  const subject = mail.subject.replace(/[\r\n]+/g, " ").slice(0, 200);
  return enqueueMail(db, { to: mail.to, subject, body: mail.body }, context.mail.sends ? "queued" : "kept");
}

export function absoluteUrl(context: Pick<AppLoadContext, "env">, path: string): string {
  return new URL(path, context.env.PUBLIC_URL).toString();
}
