import type { AppLoadContext } from "@remix-run/node";
import { listOutbox } from "../../db/queries/outbox";

export async function listOutboxForConveners(context: AppLoadContext) {
  return { mails: await listOutbox(context.database.db, 200), sends: context.mail.sends };
}
