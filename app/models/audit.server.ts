import type { AppLoadContext } from "@remix-run/node";
import { listAuditEventsWithNames } from "../../db/queries/audit";

export async function listAuditPage(context: AppLoadContext, options: { limit: number; before?: number }) {
  return listAuditEventsWithNames(context.database.db, options);
}
