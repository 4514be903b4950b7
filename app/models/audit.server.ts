import type { AppLoadContext } from "@remix-run/node";
import { listAuditEventsWithNames } from "../../db/queries/audit";
import { loadKeysetPage, type Cursor } from "../lib/paging";

/** One page of the audit trail, newest first, keyed by the events' sequence numbers. */
export async function listAuditPage(context: AppLoadContext, cursor: Cursor<number>, size: number) {
  return loadKeysetPage(cursor, size, (at, limit) =>
    listAuditEventsWithNames(context.database.db, {
      limit,
      before: at && "before" in at ? at.before : undefined,
      after: at && "after" in at ? at.after : undefined,
    }),
  );
}
