import type { AppLoadContext } from "@remix-run/node";
import { listOutboxPage } from "../../db/queries/outbox";
import { loadKeysetPage, type Cursor } from "../lib/paging";

/** One page of the outbox, newest first, keyed by the mails' ids; and whether mail goes out at all. */
export async function listOutboxForConveners(context: AppLoadContext, cursor: Cursor<string>, size: number) {
  const page = await loadKeysetPage(cursor, size, (at, limit) => listOutboxPage(context.database.db, at, limit));
  return { page, sends: context.mail.sends };
}
