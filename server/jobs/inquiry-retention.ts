import type { Db } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { getCoalition } from "../../db/queries/coalition";
import { deleteInquiriesClosedBefore } from "../../db/queries/inquiries";
import type { Logger } from "../logger";

const HOUR = 60 * 60 * 1000;

/** `months` calendar months before `date` (UTC), on the last day of the month when it is shorter. */
export function monthsBefore(date: Date, months: number): Date {
  const result = new Date(date);
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/**
 * Deletes the inquiries that were closed (accepted or declined) more than the coalition's
 * retention period ago, in one transaction with one audit event that names them by id only.
 */
export async function deleteExpiredInquiries(db: Db, now = new Date()): Promise<{ deleted: number; cutoff: Date }> {
  return db.transaction(async (tx) => {
    const months = (await getCoalition(tx))?.inquiryRetentionMonths ?? 24;
    const cutoff = monthsBefore(now, months);
    const ids = await deleteInquiriesClosedBefore(tx, cutoff);
    if (ids.length > 0) {
      await recordAudit(tx, {
        actorId: null,
        action: "inquiry.deleted",
        subjectType: "inquiry",
        after: { count: ids.length, ids, retentionMonths: months, closedBefore: cutoff.toISOString() },
      });
    }
    return { deleted: ids.length, cutoff };
  });
}

/**
 * Runs the deletion a minute after start and then every six hours, in this process. A failed
 * run is logged and tried again at the next one; `stop` waits for a run in progress.
 */
export function startInquiryRetention(options: { db: Db; log: Logger; intervalMs?: number; firstRunMs?: number }) {
  const { db, log, intervalMs = 6 * HOUR, firstRunMs = 60_000 } = options;
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = deleteExpiredInquiries(db)
      .then(({ deleted, cutoff }) => {
        if (deleted > 0) log.info({ deleted, closedBefore: cutoff.toISOString() }, "deleted closed inquiries past their retention");
      })
      .catch((error: unknown) => log.error({ err: error }, "deleting closed inquiries failed; retrying at the next run"))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, firstRunMs);
  const every = setInterval(run, intervalMs);
  first.unref();
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
