import nodemailer from "nodemailer";
import type { Db } from "../db/client";
import { claimDueMails, markMailAttemptFailed, markMailSent, renewMailClaim } from "../db/queries/outbox";
import type { Logger } from "./logger";

/** Retries after 1 min, 5 min, 30 min, 2 h, 12 h; after the last one the mail is marked failed. */
const RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000, 7_200_000, 43_200_000];
/** A claimed mail is not claimed again for this long (a crashed sender's mails come back): MAIL_LEASE_SECONDS. */
const CLAIM_LEASE_MS = 120_000;
const POLL_MS = 5_000;

export interface MailDelivery {
  /** Whether mail goes out at all: without SMTP_URL it is only kept in the outbox. */
  readonly sends: boolean;
  /** Asks the loop to look at the outbox now (after a transaction that queued mail commits). */
  nudge(): void;
  stop(): Promise<void>;
}

/**
 * Sends queued mail through SMTP, at least once per mail, outside any request. With no SMTP_URL
 * nothing is sent and mail stays in the outbox, readable by conveners.
 */
export function startMailDelivery(options: { db: Db; smtpUrl?: string; from: string; log: Logger; leaseMs?: number }): MailDelivery {
  const { db, smtpUrl, from, log, leaseMs = CLAIM_LEASE_MS } = options;
  if (!smtpUrl) {
    return { sends: false, nudge() {}, async stop() {} };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function deliverDue(): Promise<void> {
    const mails = await claimDueMails(db, 20, leaseMs);
    for (const mail of mails) {
      // Still ours? (Another process may hold it if this batch's lease ran out meanwhile.)
      if (!mail.nextAttemptAt || !(await renewMailClaim(db, mail.id, mail.nextAttemptAt, leaseMs))) continue;
      try {
        await transport.sendMail({ from, to: mail.toAddress, subject: mail.subject, text: mail.body });
        await markMailSent(db, mail.id);
        log.info({ mailId: mail.id }, "mail sent");
      } catch (error) {
        const delay = RETRY_DELAYS_MS[mail.attempts - 1];
        const message = error instanceof Error ? error.message : String(error);
        await markMailAttemptFailed(db, mail.id, message, delay ? new Date(Date.now() + delay) : null);
        log.warn({ mailId: mail.id, attempt: mail.attempts, err: message }, "mail delivery failed");
      }
    }
    if (mails.length === 20) again = true;
  }

  function run() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = deliverDue()
      .catch((error: unknown) => log.error({ err: error }, "mail delivery loop failed"))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          setImmediate(run);
        }
      });
  }

  timer = setInterval(run, POLL_MS);
  timer.unref();
  setImmediate(run);
  return {
    sends: true,
    nudge: () => setImmediate(run),
    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await running;
      transport.close();
    },
  };
}
