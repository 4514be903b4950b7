import type { Db } from "../../db/client";
import { getCoalitionTimeZone } from "../../db/queries/coalition";
import { claimDigest, listPeopleWithPendingDigest } from "../../db/queries/mail-preferences";
import { enqueueMail } from "../../db/queries/outbox";
import type { Logger } from "../logger";
import type { MailDelivery } from "../mail";

/** The digest goes out at the first pass after this hour, in the person's zone (or the coalition's). */
export const DIGEST_HOUR = 7;

/** The calendar day (YYYY-MM-DD) and the hour at an instant in a zone. */
export function localDayAndHour(now: Date, timeZone: string): { day: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/**
 * One pass: every person with mail waiting for a digest whose local time is past DIGEST_HOUR and
 * who has had no digest today gets one mail that gathers it all. Each person's digest is claimed
 * in its own transaction (row locks with SKIP LOCKED, and a unique key per person and day), so
 * several processes running this at once send each digest exactly once.
 */
export async function runMailDigestOnce(services: { db: Db; mail: Pick<MailDelivery, "sends" | "nudge"> }, now = new Date()) {
  const { db, mail } = services;
  const coalitionZone = await getCoalitionTimeZone(db);
  let sent = 0;
  for (const person of await listPeopleWithPendingDigest(db)) {
    const { day, hour } = localDayAndHour(now, person.timeZone ?? coalitionZone);
    if (hour < DIGEST_HOUR) continue;
    const done = await db.transaction(async (tx) => {
      const items = await claimDigest(tx, person.personId, day);
      if (!items) return false;
      await enqueueMail(
        tx,
        {
          to: person.email,
          subject: `Your daily summary from CARE Table: ${items.length} message${items.length === 1 ? "" : "s"}`,
          body: [
            `Hello ${person.name},`,
            "",
            `Here is what happened since your last summary (${items.length} message${items.length === 1 ? "" : "s"}). You chose to get these once a day; change that in your profile.`,
            ...items.flatMap((item, i) => ["", `${i + 1}. ${item.subject}`, "", item.body.replace(/^Hello [^\n]*\n\n/, "")]),
          ].join("\n"),
        },
        mail.sends ? "queued" : "kept",
      );
      return true;
    });
    if (done) sent++;
  }
  if (sent > 0) mail.nudge();
  return sent;
}

/** Runs a pass every few minutes in this process; `stop` waits for a pass in progress. */
export function startMailDigest(options: { db: Db; mail: MailDelivery; log: Logger; intervalMs?: number }) {
  const { intervalMs = 5 * 60 * 1000, log } = options;
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = runMailDigestOnce(options)
      .then((sent) => {
        if (sent > 0) log.info({ sent }, "mail digests sent");
      })
      .catch((error: unknown) => log.error({ err: error }, "mail digest pass failed"))
      .finally(() => {
        running = undefined;
      });
  };
  const every = setInterval(run, intervalMs);
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(every);
      await running;
    },
  };
}
