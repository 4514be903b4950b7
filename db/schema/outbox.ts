import { index, integer, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, instant } from "./columns";

/**
 * `kept`: no SMTP is configured, the mail lives only here. `queued` → `sent`, or `failed` after
 * the last attempt (the error is kept).
 */
export const mailStatuses = ["queued", "sent", "failed", "kept"] as const;
export type MailStatus = (typeof mailStatuses)[number];
export const mailStatusEnum = pgEnum("mail_status", mailStatuses);

export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    toAddress: text().notNull(),
    subject: text().notNull(),
    body: text().notNull(),
    status: mailStatusEnum().notNull(),
    attempts: integer().notNull().default(0),
    lastError: text(),
    nextAttemptAt: instant(),
    createdAt: createdAt(),
    sentAt: instant(),
  },
  (t) => [index("outbox_status_idx").on(t.status, t.nextAttemptAt), index("outbox_created_idx").on(t.createdAt, t.id)],
);
